/**
 * One colour per meaning, everywhere (JOURNEYS: status colours): draft grey, in progress blue,
 * waiting on you orange, approved/published green, refused/returned red, suspended/revoked
 * purple, expired grey.
 */
import { Tag } from 'antd';
import type { ReactNode } from 'react';

export type Tone = 'draft' | 'progress' | 'waiting' | 'approved' | 'refused' | 'suspended' | 'expired';

const COLOR: Record<Tone, string> = {
  draft: 'default',
  progress: 'processing',
  waiting: 'orange',
  approved: 'success',
  refused: 'error',
  suspended: 'purple',
  expired: 'default',
};

export function StatusTag({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <Tag color={COLOR[tone]} data-testid={testId} data-tone={tone}>
      {children}
    </Tag>
  );
}
