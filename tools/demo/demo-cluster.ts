/**
 * The demo cluster: a footwear cluster in Wenzhou (温州), one of China's largest, with a
 * coordinator, a bank and member firms with realistic names and valid credit codes.
 * Deterministic, so that running the demo twice finds the same rows.
 */
import { creditCodeCheckChar } from '@app/domain';

export const DEMO_PASSWORD = 'demo-password-2026';

export const DEMO_CONSORTIUM = { name: '温州鞋业产业集群信用联盟', region: '浙江省温州市鹿城区', industry: '鞋业 (footwear)' };
export const DEMO_BANK = { name: '瓯江农村商业银行 (demo)' };

/** [name, region code of the registering authority] */
export const DEMO_MEMBERS: readonly (readonly [string, string])[] = [
  ['温州市鹿城区红蜻蜓鞋材有限公司', '330302'],
  ['温州市瓯海区东方皮革制品有限公司', '330304'],
  ['温州鸿盛鞋业有限公司', '330302'],
  ['温州市龙湾区永嘉鞋底厂', '330303'],
  ['浙江瑞丰鞋楦制造有限公司', '330381'],
  ['温州市鹿城区金鹰皮具有限公司', '330302'],
  ['温州华泰胶粘剂有限公司', '330303'],
  ['温州市瓯海区新时代鞋业有限公司', '330304'],
  ['温州宏达五金配件有限公司', '330302'],
  ['温州市鹿城区双龙包装材料有限公司', '330302'],
  ['温州立信鞋服物流有限公司', '330304'],
  ['温州市瓯海区雅格女鞋有限公司', '330304'],
];

/**
 * A valid code for the i-th demo member: "91" + region + a 9-character organisation code
 * derived from i, + the GB 32100-2015 check character.
 */
export function demoCreditCode(index: number, region: string): string {
  const org = `MA2CA${String(index).padStart(4, '0')}`;
  const body = `91${region}${org}`;
  return body + creditCodeCheckChar(body);
}

export const DEMO_LOGINS = {
  admin: 'admin@demo.credit-alliance.cn',
  coordinator: 'coordinator@demo.credit-alliance.cn',
  bank: 'analyst@ojbank.demo.cn',
  member: (index: number) => `member${index + 1}@demo.credit-alliance.cn`,
};
