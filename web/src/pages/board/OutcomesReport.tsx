import { useQuery } from '@tanstack/react-query';
import { Segmented, Space, Table } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import { optionsOf } from '../../labels';
import { percent, type Period, ReportBar } from './report-parts';

const sections = { bundles: '一件事一次办', projects: '项目帮办', pieces: '政邮商' } as const;
const groupings = { team: '单位', grid: '网格', matter: '事项', month: '月份' } as const;
const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * 一件事一次办, 项目帮办, 政邮商 per team, grid, matter or month: the reduction figures the reports publish (材料精简,
 * 环节压缩, 少跑腿, 耗时压减), the projects served and their approvals, the pieces paid.
 */
export function OutcomesReport({ from, to }: Period) {
  const [section, setSection] = useState<keyof typeof sections>('bundles');
  const [groupBy, setGroupBy] = useState<keyof typeof groupings>('team');
  const { data } = useQuery({
    queryKey: ['outcomes-report', groupBy, from, to],
    queryFn: async () => (await api.GET('/api/v1/reports/outcomes', { params: { query: { groupBy, from, to } } })).data,
  });
  const name = { title: groupings[groupBy], dataIndex: 'name', fixed: 'left' as const };
  return (
    <>
      <ReportBar
        grouping={
          <Space wrap>
            <Segmented aria-label="专项" value={section} onChange={(v) => setSection(v as typeof section)} options={optionsOf(sections)} />
            <Segmented
              aria-label="统计维度"
              value={groupBy}
              onChange={(v) => setGroupBy(v as typeof groupBy)}
              options={optionsOf(groupings)}
            />
          </Space>
        }
        file={`/api/v1/reports/outcomes?${new URLSearchParams({ groupBy, from, to, section })}`}
      />
      {section === 'bundles' && (
        <Table
          rowKey="name"
          size="small"
          loading={!data}
          dataSource={data?.bundles ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          columns={[
            name,
            { title: '办件', dataIndex: 'orders' },
            { title: '涉及事项', dataIndex: 'matters' },
            { title: '办结', dataIndex: 'done' },
            { title: '材料（分别→一套）', render: (_, r) => `${r.materialsSeparate} → ${r.materialsCombined}` },
            { title: '材料精简', dataIndex: 'materialsCut', render: percent },
            { title: '填表（分别→合并）', render: (_, r) => `${r.formsSeparate} → ${r.formsCombined}` },
            { title: '环节压缩', dataIndex: 'formsCut', render: percent },
            { title: '少跑腿（趟）', dataIndex: 'tripsSaved' },
            { title: '耗时压减', dataIndex: 'timeSaved', render: percent },
          ]}
        />
      )}
      {section === 'projects' && (
        <Table
          rowKey="name"
          size="small"
          loading={!data}
          dataSource={data?.projects ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          columns={[
            name,
            { title: '服务项目', dataIndex: 'projects' },
            { title: '到期审批', dataIndex: 'approvalsDue' },
            { title: '已办结', dataIndex: 'approvalsApproved' },
            { title: '按期率', dataIndex: 'onTimeRate', render: percent },
            { title: '超期', dataIndex: 'approvalsOverdue' },
            { title: '反映问题', dataIndex: 'problemsRaised' },
            { title: '解决问题', dataIndex: 'problemsSolved' },
            { title: '非工作时间服务', dataIndex: 'meetingsOutOfHours' },
          ]}
        />
      )}
      {section === 'pieces' && (
        <Table
          rowKey="name"
          size="small"
          loading={!data}
          dataSource={data?.pieces ?? []}
          pagination={false}
          columns={[
            name,
            { title: '件数', dataIndex: 'pieces' },
            { title: '超时', dataIndex: 'late' },
            { title: '拒收', dataIndex: 'refused' },
            { title: '已结算', dataIndex: 'settled' },
            { title: '已付（元）', dataIndex: 'paidFen', render: yuan },
          ]}
        />
      )}
    </>
  );
}
