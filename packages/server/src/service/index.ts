import { createAccountService } from './accounts.ts';
import { createCountryService } from './countries.ts';
import { createDirectoryService } from './directory.ts';
import { renderSummary } from './markdown.ts';
import { createProfileService } from './profiles.ts';
import { createOidcService } from './oidc.ts';
import { createSessionService } from './sessions.ts';
import { createSummaryService } from './summaries/index.ts';
import { createAccountInfoService } from './account-info.ts';
import { createAdminProfileService } from './admin-profiles.ts';
import { createFollowService } from './follows.ts';
import { createVocabularyService } from './vocabularies.ts';
import { createDeletionService } from './deletion.ts';
import { createExportService } from './export.ts';
import { createNotificationService } from './notifications.ts';
import { createWebhookService } from './webhooks.ts';
import { createVerificationService } from './verification.ts';
import { createRecoveryService } from './recovery.ts';
import { createInvitationService } from './invitations.ts';
import { createImportService } from './import/index.ts';
import { createUploadService } from './uploads/index.ts';
import { createDeviceService } from './devices.ts';
import { createMfaService } from './mfa/factors.ts';
import { createPasskeyService } from './mfa/passkeys.ts';
import { createSignInSteps } from './mfa/sign-in.ts';
import type { ServiceDeps } from './types.ts';

/** Every service over one set of dependencies. */
export function createServices(deps: ServiceDeps) {
  const profiles = createProfileService(deps);
  const mfa = createMfaService(deps);
  const sessions = createSessionService(deps, mfa);
  const passkeys = createPasskeyService(deps, mfa);
  const vocabularies = createVocabularyService(deps, profiles);
  const accounts = createAccountService(deps);
  return {
    profiles,
    sessions,
    oidc: createOidcService(deps, sessions),
    accounts,
    countries: createCountryService(),
    directory: createDirectoryService(deps),
    markdown: { renderSummary },
    summaries: createSummaryService(deps, deps.settings),
    follows: createFollowService(deps),
    vocabularies,
    exports: createExportService(deps, vocabularies),
    deletion: createDeletionService(deps),
    notifications: createNotificationService(deps),
    webhooks: createWebhookService(deps),
    verification: createVerificationService(deps),
    accountInfo: createAccountInfoService(deps),
    adminProfiles: createAdminProfileService(deps),
    imports: createImportService(deps),
    recovery: createRecoveryService(deps),
    invitations: createInvitationService(deps, accounts),
    uploads: createUploadService(deps, profiles),
    mfa,
    passkeys,
    signInSteps: createSignInSteps(deps, mfa, passkeys, sessions.finishSignIn),
    devices: createDeviceService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
export type { Principal, Clock, ServiceDeps } from './types.ts';
export type { ProfileView } from './profile-view.ts';
export type { PatchRequest, PasswordChange } from './profiles.ts';
export type { TokenPair } from './sessions.ts';
export { API_KEY_PREFIX } from './sessions.ts';
export type { Country } from './countries.ts';
export type { DirectoryPage } from './directory.ts';
export type { VocabularyEntry, VocabularyExpansion, VocabularyKind, VocabularyLists } from './vocabularies.ts';
export type { AccountInfo } from './account-info.ts';
export type { FocalPoint, PictureFormat, ServedFile, UploadService } from './uploads/index.ts';
export { PICTURE_SIZES } from './uploads/index.ts';
