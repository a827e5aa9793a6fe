/** The Nexudus answers beside the coworker profile (see the dialect's routes for their rules). */

/** A written value that waits for the code sent to it (`PendingChanges` of the profile; a Profiled extension). */
export interface PendingChange {
  readonly PropertyName: string;
  readonly Value: string;
  readonly ExpiresAt: string;
}

export interface Country {
  /** ISO 3166-1 numeric: what CountryId and BillingCountryId take. */
  readonly Id: number;
  readonly Name: string;
  readonly TwoDigitsCode: string;
  readonly Culture: string;
}

export interface Countries {
  readonly Countries: readonly Country[];
}

export interface PublishedCoworker {
  readonly Id: number;
  readonly UniqueId: string;
  readonly FullName: string;
  readonly GuessedFirstName: string;
  readonly AvatarUrl: string | null;
  readonly Position: string | null;
  readonly CompanyName: string;
  readonly BusinessArea: string | null;
  readonly ProfileSummary: string | null;
  /** ProfileSummary rendered as sanitized HTML. */
  readonly ProfileSummaryHtml: string;
  readonly ProfileWebsite: string | null;
  readonly ProfileTagsList: readonly string[];
  readonly InvoicingSpaceName: string;
  readonly Twitter: string | null;
  readonly Linkedin: string | null;
  readonly Github: string | null;
  readonly Instagram: string | null;
  readonly Facebook: string | null;
  readonly Telegram: string | null;
}

/** Nexudus' ApiListResult for the member directory. */
export interface PublishedList {
  readonly Records: readonly PublishedCoworker[];
  readonly CurrentPage: number;
  readonly PageSize: number;
  readonly TotalItems: number;
  readonly TotalPages: number;
  readonly HasNextPage: boolean;
  readonly HasPreviousPage: boolean;
}

export interface CoworkerProfiles {
  readonly User: { readonly Id: string; readonly UserName: string; readonly Email: string | null; readonly FullName: string };
  readonly DefaultBusiness: { readonly Id: string; readonly Name: string; readonly Slug: string };
  readonly Profiles: readonly { readonly Id: number; readonly UniqueId: string; readonly FullName: string; readonly BusinessId: string; readonly BusinessName: string; readonly BusinessSlug: string; readonly IsActive: boolean }[];
}

export interface LoginMe {
  readonly UserId: string;
  readonly UserName: string;
  readonly Email: string | null;
  readonly FullName: string;
  /** The active profile. */
  readonly CoworkerId: string;
  readonly BusinessId: string;
  readonly BusinessName: string;
  readonly Culture: string;
  readonly IsAdmin: boolean;
  readonly OnHelpDeskMsg: boolean;
  readonly OnNewWallPost: boolean;
  readonly OnNewBlogComment: boolean;
  readonly OnNewEventComment: boolean;
  readonly ReceiveCommunityDigest: boolean;
  readonly SignUpToNewsletter: boolean;
}
