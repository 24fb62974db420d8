/** TypeBox schemas of the pushed-file routes (批量文件推送), with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const UploadEntryParams = Type.Object({ id: Uuid });
export const UploadParams = Type.Object({ id: Uuid });
export const ChunkParams = Type.Object({ id: Uuid, offset: Type.Integer({ minimum: 0, description: '本分块在文件中的起始字节偏移' }) });
export const EntryCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) });

export const UploadBody = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 255 }),
    size: Type.Integer({ minimum: 1, description: '文件的字节数' }),
    digest: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: '整个文件的 SM3 摘要（十六进制）' }),
    format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson'), Type.Literal('xlsx')]),
    mode: Type.Union([Type.Literal('replace'), Type.Literal('upsert')], { description: 'replace 全量替换 · upsert 按主键增量更新' }),
  },
  { additionalProperties: false },
);
export type UploadBody = Static<typeof UploadBody>;

const uploadFields = {
  id: Uuid,
  entryId: Uuid,
  fileName: Type.String(),
  size: Type.Integer(),
  digest: Type.String(),
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson'), Type.Literal('xlsx')]),
  mode: Type.Union([Type.Literal('replace'), Type.Literal('upsert')]),
  chunkSize: Type.Integer({ description: '每个分块的最大字节数' }),
  received: Type.Integer({ description: '已收到的字节数：下一个分块的起始偏移' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('loading'), Type.Literal('completed'), Type.Literal('expired')]),
  loadId: Type.Union([Uuid, Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
};
export const UploadSchema = Type.Object(uploadFields);
export type UploadSchema = Static<typeof UploadSchema>;

export const CreatedUploadSchema = Type.Object({
  ...uploadFields,
  resumed: Type.Boolean({ description: 'true：找到了同一文件未完成的推送，从 received 处续传' }),
});

export const ChunkResultSchema = Type.Object({ received: Type.Integer() });

export const EntryRefSchema = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });
