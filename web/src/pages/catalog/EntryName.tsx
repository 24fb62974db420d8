import { Link } from 'react-router';
import { Space, Typography } from 'antd';

/** The text {@link EntryName} shows, for a list's export. */
export const entryNameText = (entry: { name: string; code: string }): string => `${entry.name}\n${entry.code}`;

/** An entry's name linking to its page, with its code under it. */
export function EntryName({ entry, version }: { entry: { id: string; name: string; code: string }; version?: number }) {
  const to = `/catalog/entries/${encodeURIComponent(entry.id)}${version ? `?version=${version}` : ''}`;
  return (
    <Space direction="vertical" size={0}>
      <Link to={to} data-testid="entry-link">
        {entry.name}
      </Link>
      <Typography.Text type="secondary" className="small mono">
        {entry.code}
      </Typography.Text>
    </Space>
  );
}
