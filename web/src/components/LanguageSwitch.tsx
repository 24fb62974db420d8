import { Segmented } from 'antd';
import { useI18n, type Lang } from '../i18n';

/** 中文 / English, remembered for the next visit. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      size="small"
      value={lang}
      onChange={setLang}
      aria-label={t('header.language')}
      data-testid="lang-switch"
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en-US', label: 'EN' },
      ]}
    />
  );
}
