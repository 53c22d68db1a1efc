import { z } from 'zod';
import type { Queryable } from '../db/db';
import { invalid } from '../shared/errors';
import { proxyServiceModes } from '../tickets/ticket.schemas';
import { serviceModeLabels } from './proxy-labels';

/** The matters catalog (事项) of 帮办代办: what each matter needs and how it may be served. */

export const deliveryOptions = ['window', 'postal'] as const;
export const mandateScopes = ['collect_materials', 'submit', 'receive_result', 'pay_fees'] as const;
export type MandateScope = (typeof mandateScopes)[number];

const materialSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, '由小写字母、数字和 _ 组成的编码'),
  name: z.string().trim().min(1).max(100),
  form: z.enum(['original', 'copy', 'either']),
  count: z.number().int().min(1).max(20),
  /** 容缺: may follow later on the applicant's promise. */
  deferrable: z.boolean().default(false),
});
export type Material = z.infer<typeof materialSchema>;

/** How a material's form reads to an applicant and a runner. */
export { materialFormLabels } from './proxy-labels';

export const matterFields = {
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,29}$/, '大写字母编码'),
  name: z.string().trim().min(2).max(60),
  departmentId: z.number().int().positive().nullable(),
  legalDays: z.number().int().min(1).max(365),
  materials: z
    .array(materialSchema)
    .max(30)
    .refine((list) => new Set(list.map((m) => m.key)).size === list.length, '材料编码不能重复'),
  serviceModes: z.array(z.enum(proxyServiceModes)).min(1).max(3),
  deliveryOptions: z.array(z.enum(deliveryOptions)).min(1).max(2),
  eligibility: z.string().trim().max(500).nullable(),
  tripsSaved: z.number().int().min(0).max(20),
  active: z.boolean(),
};
export const matterSchema = z.strictObject(matterFields);
export type MatterInput = z.infer<typeof matterSchema>;
export interface Matter extends MatterInput {
  id: number;
}

export const matterColumns = {
  id: 'id',
  code: 'code',
  name: 'name',
  departmentId: 'department_id',
  legalDays: 'legal_days',
  materials: 'materials',
  serviceModes: 'service_modes',
  deliveryOptions: 'delivery_options',
  eligibility: 'eligibility',
  tripsSaved: 'trips_saved',
  active: 'active',
} as const satisfies Record<keyof Matter, string>;

export function matterRow(m: Partial<MatterInput>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(m)) {
    if (value === undefined) continue;
    row[matterColumns[field as keyof MatterInput]] = field === 'materials' ? JSON.stringify(value) : value;
  }
  return row;
}

const m = (key: string, name: string, form: Material['form'], count = 1, deferrable = false): Material => ({
  key,
  name,
  form,
  count,
  deferrable,
});
const allModes = ['remote_guidance', 'home_assistance', 'full_proxy'] as const;

/** The high-frequency matters the seeds name, with the department that handles each (by demo code). */
export const defaultMatters: Array<Omit<MatterInput, 'departmentId'> & { departmentCode: string }> = [
  {
    code: 'ELDER_CARD',
    name: '老年人优待证',
    departmentCode: 'MZJ',
    legalDays: 5,
    materials: [m('id_card', '身份证', 'original'), m('household', '户口簿', 'copy'), m('photo', '一寸照片', 'original', 2, true)],
    serviceModes: [...allModes],
    deliveryOptions: ['window', 'postal'],
    eligibility: null,
    tripsSaved: 2,
    active: true,
  },
  {
    code: 'SOCIAL_CARD',
    name: '社保卡激活/补办',
    departmentCode: 'RSJ',
    legalDays: 5,
    materials: [m('id_card', '身份证', 'original'), m('photo', '近期免冠照片', 'original', 1, true)],
    serviceModes: [...allModes],
    deliveryOptions: ['window', 'postal'],
    eligibility: '激活需本人视频核验',
    tripsSaved: 2,
    active: true,
  },
  {
    code: 'MEDICAL_PAY',
    name: '医保缴费',
    departmentCode: 'YBJ',
    legalDays: 1,
    materials: [m('id_card', '身份证', 'copy'), m('bank_card', '缴费银行卡', 'copy', 1, true)],
    serviceModes: ['remote_guidance', 'full_proxy'],
    deliveryOptions: ['window'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'DISABILITY_CARD',
    name: '残疾证',
    departmentCode: 'MZJ',
    legalDays: 20,
    materials: [
      m('id_card', '身份证', 'original'),
      m('household', '户口簿', 'copy'),
      m('photo', '二寸照片', 'original', 2, true),
      m('diagnosis', '医院诊断证明', 'original'),
    ],
    serviceModes: ['remote_guidance', 'home_assistance'],
    deliveryOptions: ['window', 'postal'],
    eligibility: '需本人到指定医院评残，不能全程代办',
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'ID_RENEWAL',
    name: '身份证到期换证',
    departmentCode: 'GAJ',
    legalDays: 20,
    materials: [m('old_id_card', '原身份证', 'original'), m('household', '户口簿', 'original')],
    serviceModes: ['remote_guidance', 'home_assistance'],
    deliveryOptions: ['window', 'postal'],
    eligibility: '需本人采集人像和指纹',
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'SOLE_TRADER',
    name: '个体工商户登记',
    departmentCode: 'SCJGJ',
    legalDays: 3,
    materials: [
      m('id_card', '经营者身份证', 'original'),
      m('premises', '经营场所证明', 'copy'),
      m('photo', '经营者照片', 'original', 1, true),
    ],
    serviceModes: [...allModes],
    deliveryOptions: ['window', 'postal'],
    eligibility: null,
    tripsSaved: 2,
    active: true,
  },
  {
    code: 'COMPANY_SETUP',
    name: '企业开办',
    departmentCode: 'XZSPJ',
    legalDays: 1,
    materials: [m('articles', '公司章程', 'original'), m('shareholder_ids', '股东身份证', 'copy'), m('premises', '住所证明', 'copy')],
    serviceModes: [...allModes],
    deliveryOptions: ['window', 'postal'],
    eligibility: null,
    tripsSaved: 3,
    active: true,
  },
  {
    code: 'UTILITY_HOOKUP',
    name: '水电气报装',
    departmentCode: 'SWJT',
    legalDays: 5,
    materials: [m('property', '产权证明', 'copy'), m('id_card', '身份证', 'copy')],
    serviceModes: [...allModes],
    deliveryOptions: ['window'],
    eligibility: null,
    tripsSaved: 2,
    active: true,
  },
  {
    code: 'AGED_ALLOWANCE',
    name: '高龄补贴',
    departmentCode: 'MZJ',
    legalDays: 10,
    materials: [m('id_card', '身份证', 'copy'), m('household', '户口簿', 'copy'), m('bank_card', '银行卡', 'copy', 1, true)],
    serviceModes: [...allModes],
    deliveryOptions: ['window'],
    eligibility: null,
    tripsSaved: 2,
    active: true,
  },
  {
    code: 'HARDSHIP_ALLOWANCE',
    name: '特困人员补贴',
    departmentCode: 'MZJ',
    legalDays: 20,
    materials: [
      m('id_card', '身份证', 'copy'),
      m('household', '户口簿', 'copy'),
      m('income', '收入证明', 'original'),
      m('assets', '家庭财产申报表', 'original', 1, true),
    ],
    serviceModes: [...allModes],
    deliveryOptions: ['window'],
    eligibility: null,
    tripsSaved: 3,
    active: true,
  },
];

/** The matters of the seeded bundles (一件事一次办): 企业开办 and 出生一件事, as 巧家县 and the provinces list them. */
export const bundleMatters: typeof defaultMatters = [
  {
    code: 'BUSINESS_LICENCE',
    name: '营业执照办理',
    departmentCode: 'SCJGJ',
    legalDays: 1,
    materials: [
      m('id_card', '法定代表人身份证', 'original'),
      m('articles', '公司章程', 'original'),
      m('premises', '住所（经营场所）证明', 'copy'),
      m('name_check', '名称自主申报告知书', 'copy'),
    ],
    serviceModes: [...allModes],
    deliveryOptions: ['window', 'postal'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'SEAL_ENGRAVING',
    name: '公章刻制备案',
    departmentCode: 'GAJ',
    legalDays: 1,
    materials: [m('id_card', '法定代表人身份证', 'original'), m('licence_copy', '营业执照副本', 'copy')],
    serviceModes: [...allModes],
    deliveryOptions: ['window', 'postal'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'TAX_INVOICE',
    name: '涉税事项及发票申领',
    departmentCode: 'XZSPJ',
    legalDays: 1,
    materials: [
      m('id_card', '法定代表人身份证', 'copy'),
      m('licence_copy', '营业执照副本', 'copy'),
      m('bank_account', '银行开户信息', 'copy'),
    ],
    serviceModes: [...allModes],
    deliveryOptions: ['window', 'postal'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'SOCIAL_INSURANCE_REG',
    name: '员工参保登记',
    departmentCode: 'RSJ',
    legalDays: 1,
    materials: [
      m('id_card', '法定代表人身份证', 'copy'),
      m('licence_copy', '营业执照副本', 'copy'),
      m('staff_list', '参保人员名单', 'original'),
    ],
    serviceModes: [...allModes],
    deliveryOptions: ['window'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'BIRTH_CERT',
    name: '出生医学证明',
    departmentCode: 'WJW',
    legalDays: 3,
    materials: [m('parent_ids', '父母身份证', 'original', 2), m('birth_record', '住院分娩记录', 'copy')],
    serviceModes: ['remote_guidance', 'full_proxy'],
    deliveryOptions: ['window', 'postal'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'BIRTH_HUKOU',
    name: '新生儿户口登记',
    departmentCode: 'GAJ',
    legalDays: 3,
    materials: [m('parent_ids', '父母身份证', 'original', 2), m('household', '户口簿', 'original'), m('marriage', '结婚证', 'copy')],
    serviceModes: ['remote_guidance', 'full_proxy'],
    deliveryOptions: ['window'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
  {
    code: 'NEWBORN_INSURANCE',
    name: '新生儿医保参保',
    departmentCode: 'YBJ',
    legalDays: 3,
    materials: [m('household', '户口簿', 'copy'), m('parent_ids', '父母身份证', 'copy', 1)],
    serviceModes: ['remote_guidance', 'full_proxy'],
    deliveryOptions: ['window'],
    eligibility: null,
    tripsSaved: 1,
    active: true,
  },
];

/** The seeded bundles: each situation names its matters by code. */
export const defaultBundles = [
  {
    code: 'COMPANY_START',
    name: '企业开办一件事',
    description: '营业执照、公章刻制、涉税事项、员工参保，一表申请、一套材料、一次提交',
    scenarios: [
      {
        code: 'COMPANY_START_STAFF',
        name: '企业开办（有员工）',
        matterCodes: ['BUSINESS_LICENCE', 'SEAL_ENGRAVING', 'TAX_INVOICE', 'SOCIAL_INSURANCE_REG'],
        legalDays: 1,
        notice: '一个工作日内办结；营业执照、公章、发票可免费邮寄',
      },
      {
        code: 'COMPANY_START_NO_STAFF',
        name: '企业开办（暂无员工）',
        matterCodes: ['BUSINESS_LICENCE', 'SEAL_ENGRAVING', 'TAX_INVOICE'],
        legalDays: 1,
        notice: '暂无员工的，参保登记可在招用员工后办理',
      },
    ],
  },
  {
    code: 'BIRTH',
    name: '出生一件事',
    description: '出生医学证明、户口登记、医保参保，一次告知、一次办结',
    scenarios: [
      {
        code: 'BIRTH_LOCAL',
        name: '新生儿出生（父母一方本地户籍）',
        matterCodes: ['BIRTH_CERT', 'BIRTH_HUKOU', 'NEWBORN_INSURANCE'],
        legalDays: 5,
        notice: '新生儿随父或随母在本地落户',
      },
    ],
  },
];

/** The matter a ticket names, by code or by name. */
async function findMatter(db: Queryable, codeOrName: string): Promise<Matter | undefined> {
  return db('proxy_matters').select(matterColumns).where({ code: codeOrName }).orWhere({ name: codeOrName }).first();
}

/** The catalog's matter a 代办 request names, servable in the given mode: or a 400 that says why not. */
export async function servableMatter(db: Queryable, codeOrName: string, serviceMode?: Matter['serviceModes'][number]): Promise<Matter> {
  const matter = await findMatter(db, codeOrName);
  if (!matter || !matter.active) throw invalid(`“${codeOrName}”不在代办事项目录中（GET /api/v1/proxy/matters）`);
  if (serviceMode && !matter.serviceModes.includes(serviceMode))
    throw invalid(
      `「${matter.name}」不能以${serviceModeLabels[serviceMode]}方式办理${matter.eligibility ? `：${matter.eligibility}` : ''}`,
    );
  return matter;
}
