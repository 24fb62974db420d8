/**
 * A small React wrapper of CodeMirror 6 for sandbox SQL: PostgreSQL highlighting, completion of the
 * granted views (entry codes, inserted quoted: `"HN-GAT-0001"`) and their columns, Ctrl/Cmd+Enter
 * runs. The editor owns its text; the page reads and sets it through the handle.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { keymap, placeholder as placeholderExt } from '@codemirror/view';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import type { Completion } from '@codemirror/autocomplete';
import type { SandboxViewInfo } from './api';

export interface SqlEditorHandle {
  /** The editor's text. */
  value(): string;
  /** Replaces the whole text. */
  setValue(text: string): void;
  /** Inserts text at the cursor (replacing the selection) and gives the editor the focus. */
  insert(text: string): void;
  focus(): void;
}

interface SqlEditorProps {
  initial?: string;
  views: readonly SandboxViewInfo[];
  /** Called on Ctrl/Cmd+Enter. */
  onRun: () => void;
  onChange?: (text: string) => void;
  /** Describes a column's policy for the completion list (e.g. 仅可聚合). */
  policyLabel: (policy: SandboxViewInfo['columns'][number]['policy']) => string;
  placeholder?: string;
  ariaLabel: string;
  height?: number;
}

/** Quotes an identifier as PostgreSQL reads it. */
export const quoteIdent = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`);

/** The completion schema: each view (quoted where needed) with its referable columns. */
export function completionSchema(views: readonly SandboxViewInfo[], policyLabel: SqlEditorProps['policyLabel']): SQLNamespace {
  const schema: Record<string, SQLNamespace> = {};
  for (const v of views) {
    const columns: Completion[] = v.columns
      .filter((c) => c.policy !== 'hidden')
      .map((c) => ({ label: c.name, apply: quoteIdent(c.name), type: 'property', detail: `${c.label ?? ''} · ${policyLabel(c.policy)}`.replace(/^ · /, '') }));
    schema[v.name] = { self: { label: v.name, apply: quoteIdent(v.name), type: 'type', detail: v.entryName ?? undefined }, children: columns };
  }
  return schema;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', border: '1px solid #d9d9d9', borderRadius: '4px', background: '#fff' },
  '&.cm-focused': { outline: 'none', borderColor: '#1d4ed8', boxShadow: '0 0 0 2px rgba(29,78,216,0.12)' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace' },
  '.cm-content': { minHeight: '100%' },
});

export const SqlEditor = forwardRef<SqlEditorHandle, SqlEditorProps>(function SqlEditor(
  { initial = '', views, onRun, onChange, policyLabel, placeholder, ariaLabel, height = 220 },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  // Handlers change on every render; the editor calls the latest through refs.
  const runRef = useRef(onRun);
  runRef.current = onRun;
  const changeRef = useRef(onChange);
  changeRef.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const ed = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  runRef.current();
                  return true;
                },
              },
            ]),
          ),
          basicSetup,
          language.current.of(sql({ dialect: PostgreSQL })),
          placeholderExt(placeholder ?? ''),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': ariaLabel, 'data-testid': 'sandbox-sql-input' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changeRef.current?.(u.state.doc.toString());
          }),
          EditorView.theme({ '&': { height: `${height}px` } }),
          theme,
        ],
      }),
    });
    view.current = ed;
    return () => {
      ed.destroy();
      view.current = null;
    };
    // Created once; the schema is reconfigured below, the text is set through the handle.
  }, []);

  useEffect(() => {
    const ed = view.current;
    if (!ed) return;
    const schema = completionSchema(views, policyLabel);
    ed.dispatch({
      effects: language.current.reconfigure(sql({ dialect: PostgreSQL, schema, defaultTable: views[0]?.name, upperCaseKeywords: true })),
    });
  }, [views, policyLabel]);

  useImperativeHandle(
    ref,
    () => ({
      value: () => view.current?.state.doc.toString() ?? '',
      setValue: (text) => {
        const ed = view.current;
        if (!ed) return;
        ed.dispatch({ changes: { from: 0, to: ed.state.doc.length, insert: text }, selection: { anchor: text.length } });
      },
      insert: (text) => {
        const ed = view.current;
        if (!ed) return;
        ed.dispatch(ed.state.replaceSelection(text));
        ed.focus();
      },
      focus: () => view.current?.focus(),
    }),
    [],
  );

  return <div ref={host} className="sandbox-editor" data-testid="sandbox-editor" />;
});
