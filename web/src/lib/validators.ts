/** antd form rules that check as the user types and name the field in plain Chinese (or English). */
import type { FormRule } from 'antd';
import type { MessageKey, Vars } from '../i18n';
import { checkIdNumber, checkUscc, type IdNumberProblem, type UsccProblem } from './codes';

type T = (key: MessageKey, vars?: Vars) => string;

const USCC_MESSAGE: Record<UsccProblem, MessageKey> = {
  length: 'rule.uscc.length',
  charset: 'rule.uscc.charset',
  region: 'rule.uscc.region',
  checksum: 'rule.uscc.checksum',
};

const ID_MESSAGE: Record<IdNumberProblem, MessageKey> = {
  length: 'rule.idNumber.length',
  digits: 'rule.idNumber.digits',
  birthDate: 'rule.idNumber.birthDate',
  checksum: 'rule.idNumber.checksum',
};

/** 统一社会信用代码, GB 32100-2015. An empty value is left to the `required` rule. */
export function usccRule(t: T): FormRule {
  return {
    validator: async (_, value: unknown) => {
      if (typeof value !== 'string' || value.trim() === '') return;
      const problem = checkUscc(value);
      if (problem) throw new Error(t(USCC_MESSAGE[problem]));
    },
  };
}

/** 公民身份号码, GB 11643-1999. */
export function idNumberRule(t: T): FormRule {
  return {
    validator: async (_, value: unknown) => {
      if (typeof value !== 'string' || value.trim() === '') return;
      const problem = checkIdNumber(value);
      if (problem) throw new Error(t(ID_MESSAGE[problem]));
    },
  };
}

export const LOGIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$/;

export function loginRules(t: T): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('rule.login.required') },
    { pattern: LOGIN_PATTERN, message: t('rule.login.pattern') },
  ];
}

/** At least 8 characters with letters and digits, not containing the login (`loginField`, if given). */
export function passwordRules(t: T, loginField?: string): FormRule[] {
  return [
    { required: true, message: t('rule.password.required') },
    { min: 8, message: t('rule.password.min') },
    { max: 128, message: t('rule.password.max') },
    {
      validator: async (_, value: unknown) => {
        if (typeof value !== 'string' || value === '') return;
        if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) throw new Error(t('rule.password.mix'));
      },
    },
    ({ getFieldValue }) => ({
      validator: async (_, value: unknown) => {
        const login: unknown = loginField ? getFieldValue(loginField) : undefined;
        if (typeof value === 'string' && typeof login === 'string' && login.trim() && value.toLowerCase().includes(login.trim().toLowerCase())) {
          throw new Error(t('rule.password.login'));
        }
      },
    }),
  ];
}

/** "Type the password again", compared with the field named `passwordField`. */
export function confirmRules(t: T, passwordField = 'password'): FormRule[] {
  return [
    { required: true, message: t('rule.confirm.required') },
    ({ getFieldValue }) => ({
      validator: async (_, value: unknown) => {
        if (value && value !== getFieldValue(passwordField)) throw new Error(t('rule.confirm.mismatch'));
      },
    }),
  ];
}

export const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase().replace(/\s/g, '') : v);
