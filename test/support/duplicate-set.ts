import type { Request } from '../../src/duplicates/duplicate-score';

/**
 * A labeled set for duplicate detection: the same event told by several citizens in their own words
 * (each report labeled with its event), and near misses that are not the same matter — the same address
 * with another problem, the same problem a street away, the same caller about something else.
 */
interface Event {
  address: string;
  regionId: number;
  categoryId: number;
  at: [number, number];
  reports: string[];
}

const events: Event[] = [
  {
    address: '东华社区3号楼门口',
    regionId: 11,
    categoryId: 1201,
    at: [116.401, 39.901],
    reports: [
      '东华社区3号楼门口水管爆了，水流了一地',
      '3号楼门口自来水管破裂，路上全是水',
      '东华社区3号楼那里水管爆裂了赶紧来修',
      '东华社区水管破了，3号楼门口都是水',
    ],
  },
  {
    address: '滨河路与新华街路口',
    regionId: 12,
    categoryId: 303,
    at: [116.41, 39.905],
    reports: ['滨河路新华街路口红绿灯坏了，车辆乱成一团', '新华街和滨河路交叉口信号灯不亮了', '滨河路口的红绿灯不亮，很危险'],
  },
  {
    address: '城关镇南街菜市场门口',
    regionId: 21,
    categoryId: 1503,
    at: [116.95, 36.7],
    reports: ['南街菜市场门口占道经营，路都堵死了', '城关镇南街菜市场外面摆摊占道，车过不去', '菜市场门口小商贩占道经营严重'],
  },
  {
    address: '新桥村村口',
    regionId: 31,
    categoryId: 1501,
    at: [117.15, 36.6],
    reports: ['新桥村村口垃圾堆了一个星期没人清运', '村口的垃圾好几天没人拉走，臭气熏天', '新桥村口垃圾堆放多日无人清理'],
  },
  {
    address: '东华街道建设路工地',
    regionId: 13,
    categoryId: 202,
    at: [116.42, 39.91],
    reports: ['建设路工地夜里施工噪音太大，睡不着觉', '东华街道建设路工地半夜还在施工，很吵', '建设路那个工地晚上十二点还在打桩噪音扰民'],
  },
  {
    address: '柳庄村',
    regionId: 32,
    categoryId: 1202,
    at: [117.2, 36.62],
    reports: ['柳庄村全村停电了，什么时候来电', '我们柳庄村停电好几个小时了', '柳庄村突然停电，冰箱里的东西都要坏了'],
  },
  {
    address: '石门村石门大桥东侧',
    regionId: 41,
    categoryId: 102,
    at: [117.0, 36.58],
    reports: ['石门大桥东侧路面塌陷了一个大坑', '石门村大桥东边路面塌了，车辆很危险', '石门大桥东侧马路塌陷，需要设置警示'],
  },
  {
    address: '滨河社区5号楼北侧',
    regionId: 14,
    categoryId: 102,
    at: [116.43, 39.92],
    reports: ['滨河社区5号楼北侧路灯不亮一个月了', '5号楼北边那排路灯都坏了，晚上黑漆漆的'],
  },
];

/** Near misses: each is its own matter. */
const others: Array<Omit<Event, 'reports'> & { report: string; contactOf?: number }> = [
  {
    address: '东华社区3号楼楼道',
    regionId: 11,
    categoryId: 103,
    at: [116.401, 39.901],
    report: '东华社区3号楼楼道里有人堆放杂物堵住了通道',
  },
  { address: '东华社区8号楼', regionId: 11, categoryId: 1201, at: [116.405, 39.903], report: '东华社区8号楼家里水压很低，洗澡都困难' },
  { address: '新华街中段', regionId: 12, categoryId: 303, at: [116.425, 39.915], report: '新华街中段的斑马线褪色看不清了' },
  { address: '城关镇北街', regionId: 22, categoryId: 1503, at: [116.98, 36.75], report: '北街有人在人行道上摆摊卖水果' },
  { address: '新桥村村口', regionId: 31, categoryId: 1505, at: [117.15, 36.6], report: '新桥村村口的树被大风刮倒了' },
  { address: '东华街道建设路', regionId: 13, categoryId: 1503, at: [116.421, 39.911], report: '建设路上有人占道洗车，污水横流' },
  { address: '柳庄村', regionId: 32, categoryId: 1203, at: [117.2, 36.62], report: '柳庄村燃气管道有异味，担心泄漏' },
  {
    address: '石门村小学门口',
    regionId: 41,
    categoryId: 401,
    at: [117.01, 36.59],
    report: '石门村小学门口接送孩子的车辆乱停乱放',
    contactOf: 0,
  },
  {
    address: '滨河社区5号楼',
    regionId: 14,
    categoryId: 1501,
    at: [116.43, 39.92],
    report: '滨河社区5号楼下垃圾桶满了没人清',
    contactOf: 1,
  },
];

export interface LabeledRequest extends Request {
  id: number;
  event: number;
}

/** The set: every event's reports (a few hours apart, each by another citizen, some with coordinates), then the near misses. */
export function duplicateSet(start = new Date('2026-12-01T08:00:00+08:00')): LabeledRequest[] {
  const requests: LabeledRequest[] = [];
  let contact = 100;
  events.forEach((event, e) =>
    event.reports.forEach((description, r) =>
      requests.push({
        id: requests.length + 1,
        event: e,
        description,
        // Not every citizen gives the address the same way; some give none (the words carry it).
        address: r % 3 === 2 ? null : r % 2 ? event.address.replace(/门口|东侧|北侧|村口/, '') : event.address,
        regionId: event.regionId,
        categoryId: event.categoryId,
        contactId: contact++,
        location: r % 2 === 0 ? { longitude: event.at[0] + r * 0.0002, latitude: event.at[1] + r * 0.0001 } : null,
        createdAt: new Date(start.getTime() + (e * 5 + r * 2) * 3_600_000),
      }),
    ),
  );
  others.forEach((other, o) =>
    requests.push({
      id: requests.length + 1,
      event: events.length + o,
      description: other.report,
      address: other.address,
      regionId: other.regionId,
      categoryId: other.categoryId,
      // Two near misses come from a citizen who also reported an event: the same caller, another matter.
      contactId: other.contactOf !== undefined ? 100 + other.contactOf : contact++,
      location: { longitude: other.at[0], latitude: other.at[1] },
      createdAt: new Date(start.getTime() + (o * 3 + 1) * 3_600_000),
    }),
  );
  return requests;
}
