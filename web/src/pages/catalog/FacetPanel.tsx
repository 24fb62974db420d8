import { useState } from 'react';
import { Badge, Button, Card, Checkbox, Empty, Flex, Space, Typography } from 'antd';
import type { CatalogFacet, FacetValue } from '../../api/types';
import { useI18n, type MessageKey } from '../../i18n';
import { LawHint } from '../../components/LawHint';
import { useCatalogLabels } from './labels';
import { ART, ATTRIBUTE_BASIS, FACETS } from './vocab';

const TITLE: Record<CatalogFacet, MessageKey> = {
  provider: 'catalog.facet.provider',
  region: 'catalog.facet.region',
  category: 'catalog.facet.category',
  grade: 'catalog.facet.grade',
  shareAttr: 'catalog.facet.shareAttr',
  openAttr: 'catalog.facet.openAttr',
  operationAttr: 'catalog.facet.operationAttr',
  provisionMethod: 'catalog.facet.provisionMethod',
  updateFrequency: 'catalog.facet.updateFrequency',
  status: 'catalog.facet.status',
};

/** The article behind a facet, where the facet is one of the attributes the regulation defines. */
const BASIS: Partial<Record<CatalogFacet, string>> = {
  grade: ATTRIBUTE_BASIS.grade,
  shareAttr: ATTRIBUTE_BASIS.shareAttr,
  openAttr: ATTRIBUTE_BASIS.openAttr,
  operationAttr: ATTRIBUTE_BASIS.operationAttr,
  provisionMethod: ART.fields,
  updateFrequency: ART.fields,
};

const SHOWN = 8;

interface FacetPanelProps {
  facets: Partial<Record<CatalogFacet, FacetValue[]>> | undefined;
  /** The values chosen per facet (from the URL). */
  chosen: (facet: CatalogFacet) => readonly string[];
  onToggle: (facet: CatalogFacet, value: string) => void;
  onClear: () => void;
  /** Facets to leave out (status outside 本单位). */
  hidden?: readonly CatalogFacet[];
}

/** 分面: each facet's values with their counts; a click filters by it (several values of one facet: any). */
export function FacetPanel({ facets, chosen, onToggle, onClear, hidden = [] }: FacetPanelProps) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const [expanded, setExpanded] = useState<Partial<Record<CatalogFacet, boolean>>>({});
  const any = FACETS.some((f) => chosen(f).length > 0);

  const valueLabel = (facet: CatalogFacet, v: FacetValue): string => {
    const value = String(v.value);
    switch (facet) {
      case 'provider':
      case 'region':
        return v.label ?? value;
      case 'grade':
        return l.grade(value);
      case 'shareAttr':
        return l.attr('share', value);
      case 'openAttr':
        return l.attr('open', value);
      case 'operationAttr':
        return l.operation(value);
      case 'provisionMethod':
        return l.method(value);
      case 'updateFrequency':
        return l.frequency(value);
      case 'status':
        return l.status(value);
      case 'category':
        return value;
    }
  };

  const shown = FACETS.filter((f) => !hidden.includes(f) && (facets?.[f]?.length ?? 0) > 0);

  return (
    <Card
      size="small"
      title={t('catalog.facets')}
      extra={
        any ? (
          <Button type="link" size="small" onClick={onClear} data-testid="facets-clear">
            {t('catalog.facets.clear')}
          </Button>
        ) : null
      }
      data-testid="facet-panel"
    >
      {shown.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('catalog.facets.none')} />}
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        {shown.map((facet) => {
          const values = facets?.[facet] ?? [];
          const open = expanded[facet] ?? false;
          const list = open ? values : values.slice(0, SHOWN);
          const basis = BASIS[facet];
          return (
            <div key={facet} data-testid={`facet-${facet}`}>
              <Flex justify="space-between" align="center">
                <Typography.Text strong>{t(TITLE[facet])}</Typography.Text>
                {basis && <LawHint source={basis} />}
              </Flex>
              <Space direction="vertical" size={2} style={{ width: '100%', marginTop: 4 }}>
                {list.map((v) => {
                  const value = String(v.value);
                  const checked = chosen(facet).includes(value);
                  return (
                    <Checkbox
                      key={value}
                      checked={checked}
                      onChange={() => onToggle(facet, value)}
                      disabled={v.count === 0 && !checked}
                      data-facet={facet}
                      data-value={value}
                    >
                      <Flex justify="space-between" gap={8} className="facet-value">
                        <span>{valueLabel(facet, v)}</span>
                        <Badge count={v.count} showZero overflowCount={99999} color={checked ? '#1d4ed8' : '#bfbfbf'} />
                      </Flex>
                    </Checkbox>
                  );
                })}
              </Space>
              {values.length > SHOWN && (
                <Button type="link" size="small" onClick={() => setExpanded({ ...expanded, [facet]: !open })} style={{ paddingInline: 0 }}>
                  {open ? t('catalog.facets.less') : t('catalog.facets.more', { n: values.length - SHOWN })}
                </Button>
              )}
            </div>
          );
        })}
      </Space>
    </Card>
  );
}
