/** TypeBox schemas of the reflow routes (数据回流, 000 第九条), with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Carrier = Type.Union([Type.Literal('region_code'), Type.Literal('id_number'), Type.Literal('uscc')], {
  description: 'region_code 行政区划代码 · id_number 公民身份号码（前 6 位）· uscc 统一社会信用代码（第 3–8 位）',
});

export const IdParams = Type.Object({ id: Uuid });

export const SubscriptionBody = Type.Object(
  {
    entryId: Uuid,
    subscriberOrgId: Type.String({ format: 'uuid', description: '下级公共管理和服务机构' }),
    regionField: Type.String({ minLength: 1, maxLength: 63, description: '承载属地的数据项：行政区划代码、公民身份号码或统一社会信用代码' }),
    regionCode: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{5}$', description: '回流的区划；默认且最大为订阅单位的区划' })),
  },
  { additionalProperties: false },
);
export type SubscriptionBody = Static<typeof SubscriptionBody>;

export const CancelBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });
export type CancelBody = Static<typeof CancelBody>;

export const SubscriptionQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('provider'), Type.Literal('subscriber')], { description: 'provider 本单位设立的 · subscriber 本单位接收的；缺省为两者' })),
  entryId: Type.Optional(Uuid),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('cancelled')])),
});
export type SubscriptionQuery = Static<typeof SubscriptionQuery>;

export const OptionsQuery = Type.Object({ entryId: Uuid });

export const RowsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'JSON 默认 100；CSV 缺省为全部' })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv：流式下载（UTF-8，带 BOM）' })),
});
export type RowsQuery = Static<typeof RowsQuery>;

export const DeliverySchema = Type.Object({
  id: Uuid,
  subscriptionId: Uuid,
  entryId: Uuid,
  loadId: Uuid,
  versionNo: Type.Integer(),
  rowsDelivered: Type.Integer({ description: '该版本中属于订阅区划的行数' }),
  problem: NullableString,
  at: Type.String(),
  available: Type.Boolean({ description: '该版本仍被保留，可读取' }),
  latest: Type.Boolean({ description: '是否为该订阅最近一次回流' }),
});
export type DeliveryView = Static<typeof DeliverySchema>;

export const SubscriptionSchema = Type.Object({
  id: Uuid,
  entry: Type.Object({ id: Uuid, code: Type.String(), name: NullableString }),
  provider: Type.Object({ id: Uuid, name: Type.String() }),
  subscriber: Type.Object({ id: Uuid, name: Type.String(), regionCode: Type.String() }),
  regionField: Type.Object({ name: Type.String(), label: Type.String() }),
  carrier: Carrier,
  regionCode: Type.String(),
  regionName: NullableString,
  status: Type.Union([Type.Literal('active'), Type.Literal('cancelled')]),
  createdAt: Type.String(),
  createdBy: NullableString,
  cancelledAt: NullableString,
  cancelReason: NullableString,
  deliveries: Type.Integer(),
  lastDelivery: Type.Union([DeliverySchema, Type.Null()]),
  mayCancel: Type.Boolean({ description: '当前用户可否取消' }),
});
export type SubscriptionView = Static<typeof SubscriptionSchema>;

export const SubscriptionListSchema = Type.Object({ items: Type.Array(SubscriptionSchema) });
export const DeliveryListSchema = Type.Object({ subscription: SubscriptionSchema, items: Type.Array(DeliverySchema) });

export const OptionsSchema = Type.Object({
  entry: Type.Object({ id: Uuid, code: Type.String(), name: NullableString, published: Type.Boolean() }),
  provider: Type.Object({ id: Uuid, name: Type.String(), regionCode: Type.String(), regionName: NullableString }),
  regionFields: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), carrier: Carrier, carrierLabel: Type.String() })),
  orgs: Type.Array(Type.Object({ id: Uuid, name: Type.String(), regionCode: Type.String(), regionName: NullableString })),
  regions: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), parentCode: NullableString, level: Type.Integer() })),
});
export type ReflowOptions = Static<typeof OptionsSchema>;

export const RowsSchema = Type.Object({
  deliveryId: Uuid,
  versionNo: Type.Integer(),
  regionCode: Type.String(),
  regionField: Type.String(),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  problem: NullableString,
  fields: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), type: Type.String() })),
  rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
});
export type DeliveryRows = Static<typeof RowsSchema>;
