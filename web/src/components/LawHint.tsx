/** "The law is one hover away": the article a deadline, refusal or rule rests on. */
import { Tooltip, Typography } from 'antd';
import { BookOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { useLawText } from '../lib/law';

interface LawHintProps {
  /** Short citation, e.g. `000 第十四条`. */
  source: string;
  /**
   * Full citation, e.g. 《海南省促进公共数据资源开发利用办法》第十四条; the tooltip prefers it. Without it
   * the short citation is resolved against the active jurisdiction's documents.
   */
  text?: string | null;
  /** `line` prints the basis as a line (under a field); otherwise it is a tooltip. */
  mode?: 'tooltip' | 'line';
  /** What the tooltip is attached to; defaults to the short citation with a book icon. */
  children?: ReactNode;
}

export function LawHint({ source, text, mode = 'tooltip', children }: LawHintProps) {
  const { t } = useI18n();
  const lawText = useLawText();
  const basis = t('law.basis', { text: text || lawText(source) });
  if (mode === 'line') {
    return (
      <Typography.Text type="secondary" className="law-line">
        <BookOutlined /> {basis}
      </Typography.Text>
    );
  }
  return (
    <Tooltip title={basis}>
      {children ?? (
        <Typography.Text type="secondary" className="law-hint" tabIndex={0}>
          <BookOutlined /> {source}
        </Typography.Text>
      )}
    </Tooltip>
  );
}
