/**
 * A small dictionary-based i18n: zh-CN by default, en-US complete (the compiler checks that every
 * key has an English text). The choice is remembered in localStorage; antd and dayjs follow it.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import zhCNAntd from 'antd/locale/zh_CN';
import enUSAntd from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { zhCN, type MessageKey } from './locales/zh-CN';
import { enUS } from './locales/en-US';
import { formatDate, formatDateTime, formatDeadline, type Lang } from './lib/dates';

export type { Lang, MessageKey };
export type Vars = Record<string, string | number>;

const STORAGE_KEY = 'gongshu.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'en-US': enUS };

function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en-US') return saved;
  } catch {
    // Storage may be disabled; fall back to Chinese.
  }
  return 'zh-CN';
}

function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  /** Looks up a key built at run time (e.g. a role code); undefined when the dictionary lacks it. */
  tMaybe: (key: string, vars?: Vars) => string | undefined;
  date: (value: string | null | undefined) => string;
  dateTime: (value: string | null | undefined) => string;
  /** A due instant; an end-of-day deadline reads as `D 24:00`. */
  deadline: (value: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);

  useEffect(() => {
    document.documentElement.lang = lang;
    dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered, but the switch still applies to this visit.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const lookup = dict as Record<string, string | undefined>;
    return {
      lang,
      setLang,
      t: (key, vars) => interpolate(dict[key], vars),
      tMaybe: (key, vars) => {
        const text = lookup[key];
        return text === undefined ? undefined : interpolate(text, vars);
      },
      date: (v) => formatDate(v, lang),
      dateTime: (v) => formatDateTime(v, lang),
      deadline: (v) => formatDeadline(v, lang),
    };
  }, [lang, setLang]);

  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={lang === 'zh-CN' ? zhCNAntd : enUSAntd}
        theme={{ token: { colorPrimary: '#1d4ed8', borderRadius: 4 } }}
      >
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n must be used inside <I18nProvider>');
  return ctx;
}
