import { Button, Modal, Space, Typography } from 'antd';
import { useNavigate } from 'react-router';
import type { CallOffer } from '../live';
import { CallerPanel } from '../pages/CallerPanel';

/** What the caller chose in the IVR's menu (a switch reports its own words). */
const menuLabels: Record<string, string> = { operator: '按0转人工', request: '咨询投诉求助', proxy: '代办申请', query: '工单查询' };

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
            {call.source === 'ivr' ? '语音导航' : '交换机'}：{call.menu ? (menuLabels[call.menu] ?? call.menu) : '未选择'}
          </Typography.Text>
          {call.phone && <CallerPanel phone={call.phone} bare />}
        </Space>
      )}
    </Modal>
  );
}
