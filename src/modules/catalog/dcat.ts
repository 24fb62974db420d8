/**
 * The published catalog as DCAT (JSON-LD, DCAT-AP 3 terms), so existing open-data tools can
 * harvest it (ARCHITECTURE §6). Only the version in force of each entry appears.
 *
 * Mapping choices:
 * - every node the document describes gets a hash IRI in the document itself
 *   (`…/api/v1/catalog/dcat#dataset-<code>`, `#org-<id>`, `#schema-<code>`…), so consumers can
 *   link and merge nodes and every IRI dereferences to this document;
 * - update frequencies → the EU frequency authority, open attribute → the EU access-right
 *   authority (public access is what DCAT's access rights describe; sharing between agencies is
 *   not a DCAT notion and is left out);
 * - data items (数据项) → `dct:conformsTo` a schema node that is both a `dct:Standard` (what
 *   DCAT-AP expects as the range of conformsTo) and a CSVW `csvw:Schema` whose `csvw:column`s
 *   carry name, Chinese title, XSD datatype and required flag, with `csvw:primaryKey`. CSVW is
 *   the W3C vocabulary for exactly this (a table's columns), so a harvester gets a usable data
 *   dictionary without a Gongshu-specific vocabulary; each distribution points at the same schema;
 * - the regulation the catalog rests on → `dcatap:applicableLegislation` (an `eli:LegalResource`),
 *   plus the legal basis recorded for data that is not shared.
 */
import { sql } from 'kysely';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import type { CatalogField } from './tables.js';
import { reviewingAuthority } from './repo.js';

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  dcatap: 'http://data.europa.eu/r5r/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  csvw: 'http://www.w3.org/ns/csvw#',
  eli: 'http://data.europa.eu/eli/ontology#',
} as const;

const EU = 'http://publications.europa.eu/resource/authority';

/** Update frequency → EU frequency authority (dct:accrualPeriodicity). */
export const FREQUENCY_IRI: Record<string, string> = {
  realtime: `${EU}/frequency/UPDATE_CONT`,
  daily: `${EU}/frequency/DAILY`,
  weekly: `${EU}/frequency/WEEKLY`,
  monthly: `${EU}/frequency/MONTHLY`,
  quarterly: `${EU}/frequency/QUARTERLY`,
  yearly: `${EU}/frequency/ANNUAL`,
  irregular: `${EU}/frequency/IRREG`,
};

/** Open attribute (开放属性) → EU access-right authority (dct:accessRights). */
export const ACCESS_RIGHT_IRI: Record<string, string> = {
  unconditional: `${EU}/access-right/PUBLIC`,
  conditional: `${EU}/access-right/RESTRICTED`,
  none: `${EU}/access-right/NON_PUBLIC`,
};

const FILE_TYPE = (t: string) => `${EU}/file-type/${t}`;
const LANGUAGE_ZHO = `${EU}/language/ZHO`;

/** Data item type → XSD datatype (csvw:datatype). */
const XSD_TYPE: Record<CatalogField['type'], string> = {
  string: 'xsd:string',
  integer: 'xsd:integer',
  number: 'xsd:decimal',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

/** Provision method (提供方式) → how a distribution is described. */
const DISTRIBUTION: Record<string, { title: string; format: string; mediaType: string }> = {
  api: { title: '数据服务接口', format: 'JSON', mediaType: 'application/json' },
  batch: { title: '批量导出', format: 'CSV', mediaType: 'text/csv' },
  file: { title: '文件下载', format: 'XLSX', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  // Analysed inside the platform: only vetted query results leave, as JSON (数据可用不可见).
  sandbox: { title: '平台内分析（隐私沙箱）', format: 'JSON', mediaType: 'application/json' },
};

/** One published entry as the DCAT builder needs it. */
export interface PublishedEntry {
  id: string;
  code: string;
  version: number;
  name: string;
  description: string;
  format: string;
  fields: CatalogField[];
  openAttr: string;
  shareAttr: string;
  noShareBasis: string | null;
  provisionMethods: string[];
  usageConditions: string;
  updateFrequency: string;
  category: string;
  publishedAt: Date;
  firstPublishedAt: Date;
  provider: { id: string; name: string; uscc: string | null };
}

export interface CatalogMeta {
  /** Absolute URL of the platform, without a trailing slash, e.g. `https://data.hainan.gov.cn`. */
  baseUrl: string;
  title: string;
  description: string;
  /** The org that publishes the catalog (the sharing authority of the province). */
  publisher: { id: string; name: string; uscc: string | null } | null;
  region: { code: string; name: string };
  /** The regulation the catalog is kept under, e.g. `{ code: '000', title: '海南省促进…办法' }`. */
  legislation: { code: string; title: string } | null;
}

type Node = Record<string, unknown>;

const zh = (value: string) => ({ '@value': value, '@language': 'zh' });
const dateTime = (d: Date) => ({ '@value': d.toISOString(), '@type': 'xsd:dateTime' });
const iri = (id: string) => ({ '@id': id });
const frag = (s: string) => encodeURIComponent(s);

/** Builds the JSON-LD document (pure: no I/O). */
export function buildDcat(meta: CatalogMeta, entries: PublishedEntry[]): Node {
  const doc = `${meta.baseUrl}/api/v1/catalog/dcat`;
  const agent = (o: { id: string; name: string; uscc: string | null }): Node => ({
    '@id': `${doc}#org-${o.id}`,
    '@type': 'foaf:Agent',
    'foaf:name': zh(o.name),
    ...(o.uscc ? { 'dct:identifier': o.uscc } : {}),
  });
  const legislation = meta.legislation
    ? { '@id': `${meta.baseUrl}/api/v1/jurisdiction#doc-${frag(meta.legislation.code)}`, '@type': 'eli:LegalResource', 'dct:title': zh(meta.legislation.title) }
    : null;

  const datasets = entries.map((e): Node => {
    const id = `${doc}#dataset-${frag(e.code)}`;
    const schemaId = `${doc}#schema-${frag(e.code)}`;
    const keys = e.fields.filter((f) => f.key).map((f) => f.name);
    const schema: Node = {
      '@id': schemaId,
      '@type': ['dct:Standard', 'csvw:Schema'],
      'dct:title': zh(`${e.name}数据项`),
      'csvw:column': e.fields.map((f) => ({
        '@type': 'csvw:Column',
        'csvw:name': f.name,
        'csvw:title': zh(f.label),
        'csvw:datatype': iri(XSD_TYPE[f.type] ?? 'xsd:string'),
        'csvw:required': { '@value': f.required === true || f.key === true, '@type': 'xsd:boolean' },
      })),
      ...(keys.length ? { 'csvw:primaryKey': keys } : {}),
    };
    const rights = e.usageConditions ? { '@type': 'dct:RightsStatement', 'dct:description': zh(e.usageConditions) } : null;
    const distributions = e.provisionMethods.flatMap((m): Node[] => {
      const d = DISTRIBUTION[m];
      if (!d) return [];
      const endpoint = `${meta.baseUrl}/api/v1/data/${encodeURIComponent(e.code)}`;
      return [
        {
          '@id': `${doc}#dist-${frag(e.code)}-${m}`,
          '@type': 'dcat:Distribution',
          'dct:title': zh(`${e.name}（${d.title}）`),
          'dcat:accessURL': iri(m === 'api' ? endpoint : `${meta.baseUrl}/catalog/entries/${e.id}`),
          'dct:format': iri(FILE_TYPE(d.format)),
          'dcat:mediaType': iri(`http://www.iana.org/assignments/media-types/${d.mediaType}`),
          'dct:conformsTo': iri(schemaId),
          ...(rights ? { 'dct:rights': rights } : {}),
          ...(m === 'api'
            ? {
                'dcat:accessService': {
                  '@id': `${doc}#service-${frag(e.code)}`,
                  '@type': 'dcat:DataService',
                  'dct:title': zh(`${e.name}数据服务接口`),
                  'dcat:endpointURL': iri(endpoint),
                  'dcat:servesDataset': iri(id),
                  'dct:accessRights': iri(ACCESS_RIGHT_IRI[e.openAttr] ?? ACCESS_RIGHT_IRI.none!),
                },
              }
            : {}),
        },
      ];
    });
    const laws: Node[] = [];
    if (legislation) laws.push(legislation);
    if (e.shareAttr === 'none' && e.noShareBasis) laws.push({ '@type': 'eli:LegalResource', 'dct:title': zh(e.noShareBasis) });
    return {
      '@id': id,
      '@type': 'dcat:Dataset',
      'dct:identifier': e.code,
      'dct:title': zh(e.name),
      'dct:description': zh(e.description || e.name),
      'dct:publisher': agent(e.provider),
      'dcat:contactPoint': { '@type': 'vcard:Organization', 'vcard:fn': zh(e.provider.name) },
      'dcat:theme': { '@id': `${doc}#theme-${frag(e.category)}`, '@type': 'skos:Concept', 'skos:prefLabel': zh(e.category) },
      'dcat:keyword': [zh(e.category)],
      'dct:accrualPeriodicity': iri(FREQUENCY_IRI[e.updateFrequency] ?? FREQUENCY_IRI.irregular!),
      'dct:issued': dateTime(e.firstPublishedAt),
      'dct:modified': dateTime(e.publishedAt),
      'dcat:version': String(e.version),
      'dct:language': iri(LANGUAGE_ZHO),
      'dct:spatial': iri(`${doc}#region-${meta.region.code}`),
      'dct:accessRights': iri(ACCESS_RIGHT_IRI[e.openAttr] ?? ACCESS_RIGHT_IRI.none!),
      'dct:conformsTo': schema,
      'dcat:landingPage': iri(`${meta.baseUrl}/catalog/entries/${e.id}`),
      ...(laws.length ? { 'dcatap:applicableLegislation': laws } : {}),
      'dcat:distribution': distributions,
    };
  });

  const modified = entries.reduce<Date | null>((m, e) => (!m || e.publishedAt > m ? e.publishedAt : m), null);
  return {
    '@context': DCAT_CONTEXT,
    '@id': doc,
    '@type': 'dcat:Catalog',
    'dct:title': zh(meta.title),
    'dct:description': zh(meta.description),
    ...(meta.publisher ? { 'dct:publisher': agent(meta.publisher) } : {}),
    'foaf:homepage': iri(`${meta.baseUrl}/`),
    'dct:language': iri(LANGUAGE_ZHO),
    'dct:spatial': { '@id': `${doc}#region-${meta.region.code}`, '@type': 'dct:Location', 'skos:prefLabel': zh(meta.region.name), 'dct:identifier': meta.region.code },
    ...(modified ? { 'dct:modified': dateTime(modified) } : {}),
    'dcat:dataset': datasets,
  };
}

/** Every entry's version in force, with its provider and first publication, ordered by code. */
export async function loadPublishedEntries(db: Executor): Promise<PublishedEntry[]> {
  const rows = await db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .select([
      'e.id',
      'e.code',
      'v.version',
      'v.name',
      'v.description',
      'v.format',
      'v.fields',
      'v.open_attr',
      'v.share_attr',
      'v.no_share_basis',
      'v.provision_methods',
      'v.usage_conditions',
      'v.update_frequency',
      'v.category',
      'v.published_at',
      'v.created_at',
      'o.id as provider_id',
      'o.name as provider_name',
      'o.uscc as provider_uscc',
    ])
    .select(sql<Date | null>`(SELECT min(p.published_at) FROM catalog_versions p WHERE p.entry_id = e.id)`.as('first_published_at'))
    .where('v.status', '=', 'published')
    .orderBy('e.code')
    .execute();
  return rows.map((r) => {
    const publishedAt = new Date(r.published_at ?? r.created_at);
    return {
      id: r.id,
      code: r.code,
      version: r.version,
      name: r.name,
      description: r.description,
      format: r.format,
      fields: r.fields,
      openAttr: r.open_attr,
      shareAttr: r.share_attr,
      noShareBasis: r.no_share_basis,
      provisionMethods: r.provision_methods,
      usageConditions: r.usage_conditions,
      updateFrequency: r.update_frequency,
      category: r.category,
      publishedAt,
      firstPublishedAt: r.first_published_at ? new Date(r.first_published_at) : publishedAt,
      provider: { id: r.provider_id, name: r.provider_name, uscc: r.provider_uscc },
    };
  });
}

/**
 * The published catalog as a DCAT-AP 3 JSON-LD document. Public: the catalog itself is published
 * to every institution and the public (000 第六条); what each dataset's data may be used for is
 * in its access rights. `baseUrl` is the platform's external address (scheme and host).
 */
export async function publishedCatalogDcat(k: Pick<Kernel, 'db' | 'profile'>, baseUrl: string): Promise<Node> {
  const db = k.db.kysely;
  const region = k.profile.region;
  const [entries, publisher] = await Promise.all([
    loadPublishedEntries(db),
    // The catalog is reviewed and published by the province's sharing authority (000 第六条).
    reviewingAuthority(db, region.code),
  ]);
  const main = k.profile.documents[0];
  return buildDcat(
    {
      baseUrl: baseUrl.replace(/\/+$/, ''),
      title: `${region.name}公共数据目录`,
      description: `${region.name}公共数据资源目录（已发布的现行版本），依据${main ? `《${main.title}》` : '本省公共数据管理规定'}编制、审核和发布。`,
      publisher: publisher ? { ...publisher, uscc: null } : null,
      region,
      legislation: main ? { code: main.code, title: main.title } : null,
    },
    entries,
  );
}
