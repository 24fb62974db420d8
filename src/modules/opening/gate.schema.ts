/** TypeBox schemas of the gate's routes. */
import { Type, type Static } from 'typebox';

export const GateParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z-]+$', description: '目录编码' }) });

export type GateParams = Static<typeof GateParams>;

export const GatePlanBody = Type.Object(
  {
    treatments: Type.Record(Type.String({ maxLength: 63 }), Type.String({ maxLength: 60 }), {
      description: '每个数据项的处理方式：keep 保留、drop 删除、pseudonymise 假名化、generalise:<方式>（month、year、band:<宽度>、city、province、birth_year、id_region:<2|4|6>、truncate:<n>、suppress）',
    }),
    quasiIdentifiers: Type.Array(Type.String({ maxLength: 63 }), { maxItems: 50, description: '准标识符（处理后须满足 k-匿名）；保留或泛化的个人信息数据项自动计入' }),
    sensitive: Type.Optional(Type.Union([Type.String({ maxLength: 63 }), Type.Null()], { description: '敏感属性（报告其 l 多样性）' })),
    minL: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()], { description: '要求的最小 l（不填则只报告）' })),
    consent: Type.Optional(
      Type.Union([
        Type.Object(
          {
            reference: Type.String({ maxLength: 200, description: '授权同意凭证编号' }),
            attachment: Type.String({ maxLength: 1000, description: '证明材料说明' }),
            scope: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type GatePlanBody = Static<typeof GatePlanBody>;
