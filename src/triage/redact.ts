/**
 * Personal data out of text before it leaves the hub for an external LLM. Order matters:
 * ID numbers and bank cards before phone numbers (they contain phone-like runs).
 */
const rules: Array<[RegExp, string]> = [
  [/(?<!\d)\d{17}[\dXx](?!\d)/g, '[身份证号]'],
  [/(?<!\d)(?:62|4\d|5[1-5])\d{14,17}(?!\d)/g, '[银行卡号]'],
  [/(?:\+?86[-\s]?)?(?<!\d)1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)/g, '[手机号]'],
  [/(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)/g, '[电话]'],
  [/[\w.+-]+@[\w-]+\.[\w.]+/g, '[邮箱]'],
  // "我叫张三", "我是李四", "本人王五", "联系人：赵六", "姓陈" — the name that follows.
  [/(我叫|我是|本人|联系人[:：]?|姓名[:：]?|举报人[:：]?)\s*[\u4e00-\u9fa5]{2,3}(?=[，,。.\s]|$|[^\u4e00-\u9fa5])/g, '$1[姓名]'],
];

export function redactPii(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of rules) redacted = redacted.replace(pattern, replacement);
  return redacted;
}
