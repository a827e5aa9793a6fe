/** The Nexudus dialect's client side: the seed's `endpoints`, its `ActionConfirmation`, an axios-shaped client and the wire types. */
export { default as endpoints, type Endpoints } from './endpoints.ts';
export type { ActionConfirmation, NexudusError } from './ActionConfirmation.ts';
export { createHttpClient, type HttpClient, type HttpClientOptions, type HttpResponse } from './http-client.ts';
export type { CoworkerProfile, CoworkerProfileUpdate } from './coworker-types.ts';
export type { PendingChange, Country, Countries, PublishedCoworker, PublishedList, CoworkerProfiles, LoginMe } from './wire-types.ts';
export { coworkerFields, coworkerPasswordFields, type CoworkerField } from './coworker-fields.ts';
