/** TypeBox schemas of the PII detection API. */
import { Type, type Static } from 'typebox';

/** Most values one detection call takes (a scan of more goes in pages). */
export const DETECT_MAX_VALUES = 1000;

export const DetectBody = Type.Object(
  {
    values: Type.Array(Type.String({ maxLength: 2000 }), { description: `待识别的值，每次至多 ${DETECT_MAX_VALUES} 个（超出 422）` }),
    label: Type.Optional(Type.String({ maxLength: 200, description: '这些值所在字段的名称或标签（如“联系人”“住址”），作为识别姓名、地址、出生日期的上下文' })),
  },
  { additionalProperties: false },
);
export type DetectBody = Static<typeof DetectBody>;

const Confidence = Type.Union([Type.Literal('certain'), Type.Literal('likely'), Type.Literal('possible')], {
  description: 'certain 确定（校验位或唯一格式） · likely 很可能（格式与上下文一致） · possible 可能（仅形似）',
});

export const DetectResult = Type.Object({
  index: Type.Integer({ description: '值在请求 values 中的序号（从 0 起）；结果不回显值本身' }),
  kind: Type.Union([Type.String(), Type.Null()], { description: '个人信息类型（目录 piiKind 词表）；不是任何已知类型时为 null' }),
  kindLabel: Type.Union([Type.String(), Type.Null()]),
  confidence: Type.Union([Confidence, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], { description: '判断依据' }),
});
export type DetectResult = Static<typeof DetectResult>;

export const DetectResponse = Type.Object({ results: Type.Array(DetectResult) });
