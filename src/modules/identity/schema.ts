/** TypeBox schemas of the identity API, with their static types. */
import { Type, type Static } from 'typebox';
import { ORG_ROLES, USER_ROLES } from '../../kernel/auth.js';

export const OrgRoleSchema = Type.Union(ORG_ROLES.map((r) => Type.Literal(r)));
export const UserRoleSchema = Type.Union(USER_ROLES.map((r) => Type.Literal(r)));
const RegionCode = Type.String({ pattern: '^[1-9][0-9]{5}$', description: 'GB/T 2260 行政区划代码', examples: ['460100'] });
const Uuid = Type.String({ format: 'uuid' });
const Login = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$', description: '账号：字母、数字、_ . @ -' });
const Password = Type.String({ minLength: 8, maxLength: 128 });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const LoginBody = Type.Object({ login: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

export const RegisterBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('organization'), Type.Literal('person')]),
    login: Login,
    password: Password,
    name: Name,
    regionCode: RegionCode,
    orgName: Type.Optional(Name),
    uscc: Type.Optional(Type.String({ minLength: 18, maxLength: 18, description: '统一社会信用代码（GB 32100）' })),
    idNumber: Type.Optional(Type.String({ minLength: 18, maxLength: 18, description: '公民身份号码（GB 11643）' })),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const OrgBody = Type.Object(
  {
    name: Name,
    uscc: Type.String({ minLength: 18, maxLength: 18, description: '统一社会信用代码（GB 32100）' }),
    regionCode: RegionCode,
    parentId: Type.Optional(Uuid),
    roles: Type.Array(OrgRoleSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type OrgBody = Static<typeof OrgBody>;

export const OrgPatchBody = Type.Object(
  { name: Type.Optional(Name), roles: Type.Optional(Type.Array(OrgRoleSchema, { minItems: 1 })), parentId: Type.Optional(Type.Union([Uuid, Type.Null()])) },
  { additionalProperties: false },
);

export const OrgQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(OrgRoleSchema),
  regionCode: Type.Optional(RegionCode),
  kind: Type.Optional(Type.Union([Type.Literal('organization'), Type.Literal('person')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const UserBody = Type.Object(
  { orgId: Uuid, login: Login, name: Name, password: Password, roles: Type.Array(UserRoleSchema) },
  { additionalProperties: false },
);
export type UserBody = Static<typeof UserBody>;

export const UserPatchBody = Type.Object(
  { name: Type.Optional(Name), roles: Type.Optional(Type.Array(UserRoleSchema)), disabled: Type.Optional(Type.Boolean()), password: Type.Optional(Password) },
  { additionalProperties: false },
);

export const UserQuery = Type.Object({
  orgId: Type.Optional(Uuid),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const IdParams = Type.Object({ id: Uuid });

export const ApiKeyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) },
  { additionalProperties: false },
);

export const RegionBody = Type.Object(
  { code: RegionCode, name: Name, parentCode: Type.Union([RegionCode, Type.Null()]) },
  { additionalProperties: false },
);
