import { aisquareDialect } from './aisquare/index.ts';
import { nativeDialect } from './native/index.ts';
import { nexudusDialect } from './nexudus/index.ts';
import { workspaceDialect } from './workspace/index.ts';
import { zitadelDialect } from './zitadel/index.ts';
import type { Dialect } from './port.ts';

/** Every dialect the server mounts. Adding one is a folder and a line here; no core change. */
export const dialects: readonly Dialect[] = [nativeDialect, nexudusDialect, aisquareDialect, zitadelDialect, workspaceDialect];
