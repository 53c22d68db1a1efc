import { Button, Modal, Space, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { ivrMenuLabels } from '../labels';
import type { CallOffer } from '../live';
import { CallerPanel } from '../pages/CallerPanel';

/** 来电弹屏: a call waits for this seat, with who is calling; 受理 opens the seat's form with the number. */
export function CallPopup({ call, onClose }: { call: CallOffer | undefined; onClose: () => void }) {
  const navigate = useNavigate();
  const take = () => {
    onClose();
    navigate(`/seat?phone=${encodeURIComponent(call?.phone ?? '')}`);
  };
  return (
    <Modal
      open={call !== undefined}
      title={`来电：${call?.phone ?? '号码未显示'}`}
      onCancel={onClose}
      width={440}
      footer={
        <Space>
          <Button onClick={onClose}>稍后处理</Button>
          <Button type="primary" autoFocus onClick={take}>
            受理此来电
          </Button>
        </Space>
      }
    >
      {call && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            {call.source === 'ivr' ? '语音导航' : '交换机'}：{call.menu ? (ivrMenuLabels[call.menu] ?? call.menu) : '未选择'}
          </Typography.Text>
          {call.phone && <CallerPanel phone={call.phone} bare />}
        </Space>
      )}
    </Modal>
  );
}
