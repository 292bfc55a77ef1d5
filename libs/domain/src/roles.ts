/** Who a caller is on the platform (PRODUCT.md, "Who uses it"). */
export const Role = {
  ADMIN: 'ADMIN',
  COORDINATOR: 'COORDINATOR',
  MEMBER: 'MEMBER',
  BANK: 'BANK',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
