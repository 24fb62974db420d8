/**
 * Open-data demand collection (开放需求征集, 000 第十八条; 001 第三十一条): who may propose, support
 * and answer; what an answer must carry. No I/O.
 */
import type { FieldError } from '../../kernel/errors.js';
import { hasOrgRole, hasUserRole, type AuthContext } from '../../kernel/auth.js';
import type { DemandStatus } from './demands.tables.js';

export const ART = {
  collect: '000 第十八条',
  portal: '001 第三十一条',
} as const;

export const ANSWER_NEEDS = '营商环境建设主管部门或数据主管部门的审核人或机构管理员';

/** The authority answers: a reviewer or org admin of the sharing authority or the data authority. */
export const canAnswer = (auth: AuthContext): boolean =>
  (hasOrgRole(auth, 'sharing_authority') || hasOrgRole(auth, 'data_authority')) && (hasUserRole(auth, 'reviewer') || hasUserRole(auth, 'org_admin'));

/** A demand may be supported while it waits for an answer or is planned; opened and refused ones are closed. */
export const supportable = (status: DemandStatus): boolean => status === 'open' || status === 'planned';

/** A demand may be answered while open, and answered again once planned (e.g. when the data is opened). */
export const answerable = (status: DemandStatus): boolean => status === 'open' || status === 'planned';

export interface AnswerInput {
  status: 'planned' | 'opened' | 'refused';
  reply: string;
  entryId?: string | null;
  basis?: string | null;
}

/**
 * The problems of an answer: a reply always; the opened entry for `opened`; the basis for
 * `refused` (a refusal is public and must say why, 000 第十八条). Empty when acceptable.
 */
export function answerProblems(a: AnswerInput): FieldError[] {
  const out: FieldError[] = [];
  if (!a.reply.trim()) out.push({ field: 'reply', message: '请填写答复内容' });
  if (a.status === 'opened' && !a.entryId) out.push({ field: 'entryId', message: '已开放的，请选择对应的开放目录' });
  if (a.status === 'refused' && !a.basis?.trim()) out.push({ field: 'basis', message: '不予开放的，须说明依据' });
  return out;
}

/** How the proposer is shown publicly: an organisation by name, a person by surname only. */
export function publicProposer(p: { name: string; kind: 'organization' | 'person' }): string {
  if (p.kind === 'organization') return p.name;
  const first = [...p.name][0] ?? '';
  return `${first}${'*'.repeat(Math.max([...p.name].length - 1, 1))}`;
}
