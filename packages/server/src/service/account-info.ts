import { ProfiledError } from '@profiled/core';
import type { Principal, ServiceDeps } from './types.ts';

/** What a dialect may show about the caller's account beyond its registry fields. */
export interface AccountInfo {
  readonly id: string;
  readonly kind: 'human' | 'service' | 'admin';
  /** When the account (the login identity, not the per-org profile) was created. */
  readonly createdAt: string;
}

/** The signed-in account's own facts, for wires that show them (e.g. AISquare's `created_at`). */
export function createAccountInfoService(deps: ServiceDeps) {
  return {
    async of(principal: Principal): Promise<AccountInfo> {
      const account = await deps.storage.repos.findAccount(principal.accountId);
      if (!account) throw new ProfiledError('account.not_found');
      return { id: account.id, kind: account.kind, createdAt: account.created_at };
    },
  };
}

export type AccountInfoService = ReturnType<typeof createAccountInfoService>;
