/**
 * 隐私计算沙箱 (数据可用不可见; 002 第十一、二十三条; 003 第三条): an org with sandbox grants writes
 * SQL against its granted views beside a panel of each column's policy, runs it (Ctrl/Cmd+Enter),
 * reads the vetted result or the refusal naming the rule, asks for release (出域审查), and goes
 * back to any of its org's earlier queries. The selected query is kept in the URL (`?query=`).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Empty, Row, Space, Typography } from 'antd';
import { CaretRightOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { sandboxApi, SandboxRefusal, type ColumnPolicy, type QueryRefusal, type SandboxQuery, type SandboxViewInfo } from './api';
import { SqlEditor, quoteIdent, type SqlEditorHandle } from './SqlEditor';
import { ART_SANDBOX, ViewsPanel } from './ViewsPanel';
import { RejectionAlert, ResultView } from './ResultView';
import { HistoryCard } from './HistoryCard';
import './sandbox.css';

/** A first query for a view: a count by its first group key, or by nothing. */
export function exampleQuery(v: SandboxViewInfo | undefined): string {
  if (!v) return '';
  const key = v.columns.find((c) => c.policy === 'group_key') ?? v.columns.find((c) => c.policy === 'plain');
  const view = quoteIdent(v.name);
  if (!key) return `SELECT count(*) AS n\nFROM ${view}`;
  const col = quoteIdent(key.name);
  return `SELECT ${col}, count(*) AS n\nFROM ${view}\nGROUP BY ${col}\nORDER BY ${col}`;
}

/**
 * The threshold a result was held to, when the server does not say: the strictest of the views
 * its SQL names (as the policy check takes it).
 */
export function withThreshold(q: SandboxQuery, views: readonly SandboxViewInfo[]): SandboxQuery {
  if (q.minGroupSize !== null) return q;
  const read = views.filter((v) => q.sql.includes(`"${v.name}"`) || q.views.includes(v.name));
  return read.length > 0 ? { ...q, minGroupSize: Math.max(...read.map((v) => v.minGroupSize)) } : q;
}

type Outcome = { kind: 'result'; q: SandboxQuery } | { kind: 'refused'; refusal: QueryRefusal; sql: string } | { kind: 'error'; text: string };

export function SandboxPage() {
  const { t } = useI18n();
  const [url, setUrl] = useUrlState(['query'] as const);
  const views = useAsync(() => sandboxApi.views(), 'views');
  const editor = useRef<SqlEditorHandle>(null);
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [historyKey, setHistoryKey] = useState(0);
  const [empty, setEmpty] = useState(true);
  const seeded = useRef(false);
  const policyLabel = useCallback((p: ColumnPolicy) => t(`sandbox.policy.${p}` as MessageKey), [t]);
  const viewList = useMemo(() => views.data?.views ?? [], [views.data]);

  // A first example once the views are known, unless a query from the URL fills the editor.
  useEffect(() => {
    if (seeded.current || !views.data || url.query) return;
    seeded.current = true;
    if (editor.current && editor.current.value() === '') editor.current.setValue(exampleQuery(views.data.views[0]));
  }, [views.data, url.query]);

  // The query named in the URL (a history click, a bookmark): its SQL in the editor, its outcome below.
  const shown = outcome?.kind === 'result' ? outcome.q.id : outcome?.kind === 'refused' ? outcome.refusal.queryId : null;
  useEffect(() => {
    const id = url.query;
    if (!id || id === shown) return;
    let current = true;
    sandboxApi
      .get(id)
      .then((found) => {
        if (!current) return;
        const q = found;
        seeded.current = true;
        editor.current?.setValue(q.sql);
        if (q.decision === 'rejected' && q.violation) {
          setOutcome({ kind: 'refused', sql: q.sql, refusal: { code: 'policy_violation', message: q.violation.message, rule: q.violation.rule, column: q.violation.column, source: q.violation.source ?? null, queryId: q.id } });
        } else setOutcome({ kind: 'result', q });
      })
      .catch((e: unknown) => {
        if (current) setOutcome({ kind: 'error', text: errorText(e, t) });
      });
    return () => {
      current = false;
    };
  }, [url.query]);

  const run = useCallback(async () => {
    const text = editor.current?.value().trim() ?? '';
    if (!text || running) return;
    setRunning(true);
    try {
      const q = await sandboxApi.run(text);
      setOutcome({ kind: 'result', q });
      if (q.id) setUrl({ query: q.id });
    } catch (e) {
      if (e instanceof SandboxRefusal) {
        setOutcome({ kind: 'refused', refusal: e.refusal, sql: text });
        setUrl({ query: e.refusal.queryId });
      } else setOutcome({ kind: 'error', text: errorText(e, t) });
    } finally {
      setRunning(false);
      setHistoryKey((n) => n + 1);
      // The views' ε left changes with each query under differential privacy.
      if (viewList.some((v) => v.dp)) views.reload();
    }
  }, [running, setUrl, t, viewList, views]);

  const first = viewList[0];
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="sandbox-page">
      <PageHeader
        title={t('page.sandbox')}
        description={
          <>
            {t('sandbox.description')} <LawHint source={ART_SANDBOX} />
          </>
        }
      />
      {views.error && <Alert type="error" showIcon message={errorText(views.error, t)} />}
      <Row gutter={[16, 16]} wrap>
        <Col xs={24} lg={16} xxl={17}>
          <Card
            size="small"
            title={t('sandbox.editor.title')}
            extra={
              <Space size={8}>
                {first && (
                  <Button size="small" type="text" onClick={() => editor.current?.setValue(exampleQuery(first))} data-testid="sandbox-example">
                    {t('sandbox.example')}
                  </Button>
                )}
                <Button type="primary" icon={<CaretRightOutlined />} loading={running} disabled={empty} onClick={run} data-testid="sandbox-run">
                  {t('sandbox.run')}
                </Button>
              </Space>
            }
          >
            <SqlEditor
              ref={editor}
              views={viewList}
              onRun={run}
              onChange={(text) => setEmpty(text.trim() === '')}
              policyLabel={policyLabel}
              placeholder={first ? `SELECT … FROM ${quoteIdent(first.name)}` : 'SELECT …'}
              ariaLabel={t('sandbox.editor.aria')}
            />
            <Typography.Paragraph type="secondary" className="small" style={{ margin: '6px 0 0' }}>
              {t('sandbox.editor.hint', { code: first?.name ?? 'HN-GAT-0001' })}
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} lg={8} xxl={7}>
          <ViewsPanel views={views.data?.views} unavailable={views.data?.unavailable ?? []} loading={views.loading} onInsert={(text) => editor.current?.insert(text)} />
        </Col>
      </Row>
      <div data-testid="sandbox-outcome">
        {outcome === null ? (
          <Card size="small" title={t('sandbox.result.title')}>
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sandbox.result.empty')} />
          </Card>
        ) : outcome.kind === 'result' ? (
          <ResultView
            q={withThreshold(outcome.q, viewList)}
            onChanged={(q) => {
              setOutcome({ kind: 'result', q });
              setHistoryKey((n) => n + 1);
            }}
          />
        ) : outcome.kind === 'refused' ? (
          <RejectionAlert refusal={outcome.refusal} />
        ) : (
          <Alert type="error" showIcon message={outcome.text} data-testid="sandbox-error" />
        )}
      </div>
      <HistoryCard refreshKey={historyKey} selected={url.query} onOpen={(id) => setUrl({ query: id })} />
    </Space>
  );
}
