import { withApp } from './app.ts';
import { defineCommand, UsageError } from './command.ts';

const KINDS = 'skill|investment_interest|tag';
const org = { type: 'string', value: 'S', help: 'the slug of the org (default: default)' } as const;

/** The per-org vocabularies that skills, interests and tags are chosen from. */
export const vocabCommands = [
  defineCommand({
    path: ['vocab', 'add'],
    summary: 'add an entry to a vocabulary',
    description: 'Prints the entry as JSON; a name the kind has already (in any case) is refused.',
    options: {
      kind: { type: 'string', value: KINDS, required: true, help: 'which vocabulary (skills are technical interests too)' },
      name: { type: 'string', value: 'N', required: true, help: 'the entry' },
      description: { type: 'string', value: 'D', help: 'what it means' },
      org,
    },
    run: (o) => withApp((app) => app.services.vocabularies.add({ slug: o.org ?? 'default' }, { kind: o.kind, name: o.name, description: o.description ?? null })),
  }),
  defineCommand({
    path: ['vocab', 'list'],
    summary: 'list a vocabulary, or every kind',
    description: 'Prints the entries of --kind as a JSON array, or without it {"skill", "investment_interest", "tag"}.',
    options: {
      kind: { type: 'string', value: KINDS, help: 'one vocabulary only' },
      org,
    },
    run: (o) =>
      withApp(async (app) => {
        const v = app.services.vocabularies;
        const at = { slug: o.org ?? 'default' };
        if (o.kind) return v.list(at, o.kind);
        return { skill: await v.list(at, 'skill'), investment_interest: await v.list(at, 'investment_interest'), tag: await v.list(at, 'tag') };
      }),
  }),
  defineCommand({
    path: ['vocab', 'free-entry'],
    summary: 'let profile writes add unknown names to the vocabulary',
    description: 'With false (the default), a skill or interest not in the vocabulary is refused.',
    options: {
      enabled: { type: 'string', value: 'true|false', required: true, help: 'whether unknown names are added' },
      org,
    },
    async run(o) {
      if (o.enabled !== 'true' && o.enabled !== 'false') throw new UsageError('--enabled must be true or false');
      return withApp((app) => app.services.vocabularies.setFreeEntry({ slug: o.org ?? 'default' }, o.enabled === 'true'));
    },
  }),
];
