import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { aisquare } from './support/aisquare.ts';

for (const backend of backends) {
  describe(`AISquare skills, interests and focus areas from the org's vocabularies (${backend.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof aisquare>;
    let user: TestUser;
    const ids: Record<string, number> = {};
    before(async () => {
      server = await startServer(backend);
      api = aisquare(server);
      user = await server.createUser();
      const vocab = server.app.services.vocabularies;
      for (const [kind, name, description] of [['skill', 'Python', 'The language'], ['skill', 'Rust', null], ['skill', 'Machine Learning', null], ['investment_interest', 'Climate', 'Climate tech'], ['investment_interest', 'Fintech', null]] as const) {
        ids[name] = (await vocab.add({ slug: 'default' }, { kind, name, description })).id;
      }
    });
    after(() => server.close());

    it('skills by name and by id → the id list and skills_data {id, name, description}', async () => {
      const res = await api.patch(user, { details: { skills: ['python', ids['Rust']], technical_interests: ['Machine Learning'], investment_interests: [String(ids['Climate'])] } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.skills, [ids['Python'], ids['Rust']]);
      assert.deepEqual(res.body.skills_data, [{ id: ids['Python'], name: 'Python', description: 'The language' }, { id: ids['Rust'], name: 'Rust', description: null }]);
      assert.deepEqual(res.body.technical_interests_data, [{ id: ids['Machine Learning'], name: 'Machine Learning', description: null }]);
      assert.deepEqual(res.body.investment_interests, [ids['Climate']]);
      assert.deepEqual(res.body.investment_interests_data, [{ id: ids['Climate'], name: 'Climate', description: 'Climate tech' }]);
      assert.deepEqual((await api.native(user))['skills'], [ids['Python'], ids['Rust']]);
    });

    it('an unknown skill or interest name is refused with a clear message, and nothing changes', async () => {
      const before = await api.native(user);
      const res = await api.patch(user, { full_name: 'Changed', details: { skills: ['Python', 'Cobol'], investment_interests: ['Python'] } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, {
        details: {
          skills: ['Unknown skill "Cobol": it is not in this organization\'s vocabulary (an administrator adds entries).'],
          investment_interests: ['Unknown investment interest "Python": it is not in this organization\'s vocabulary (an administrator adds entries).'],
        },
      });
      assert.deepEqual(await api.native(user), before);
      assert.ok(!(await server.app.services.vocabularies.list({ slug: 'default' }, 'skill')).some((e) => e.name === 'Cobol'));
    });

    it('an unknown id, or an item that is neither id nor name, is refused', async () => {
      let res = await api.patch(user, { details: { skills: [999_999] } });
      assert.deepEqual([res.status, res.body], [400, { details: { skills: ['There is no skill with id 999999.'] } }]);
      res = await api.patch(user, { details: { technical_interests: [true] } });
      assert.deepEqual([res.status, res.body], [400, { details: { technical_interests: ['Expected an id (a positive integer) or a name, not true.'] } }]);
    });

    it('with free entry on, unknown names join the vocabulary — but only when the rest of the request is valid', async () => {
      await server.app.services.vocabularies.setFreeEntry({ slug: 'default' }, true);
      try {
        const refused = await api.patch(user, { username: 'not valid!', details: { skills: ['Haskell'] } });
        assert.equal(refused.status, 400);
        assert.ok(!(await server.app.services.vocabularies.list({ slug: 'default' }, 'skill')).some((e) => e.name === 'Haskell'), 'a refused request does not grow the vocabulary');
        const res = await api.patch(user, { details: { skills: ['Haskell', 'Python'], investment_interests: ['Biotech'] } });
        assert.equal(res.status, 200);
        const haskell = res.body.skills_data[0];
        assert.equal(haskell.name, 'Haskell');
        assert.deepEqual(res.body.skills, [haskell.id, ids['Python']], 'the order given is kept');
        assert.deepEqual(res.body.investment_interests_data.map((e: { name: string }) => e.name), ['Biotech']);
        assert.ok((await server.app.services.vocabularies.list({ slug: 'default' }, 'skill')).some((e) => e.id === haskell.id && e.name === 'Haskell'));
        const tooLong = await api.patch(user, { details: { skills: ['x'.repeat(101)] } });
        assert.deepEqual([tooLong.status, tooLong.body], [400, { details: { skills: ['A new skill needs a name of 1-100 characters on one line.'] } }]);
      } finally {
        await server.app.services.vocabularies.setFreeEntry({ slug: 'default' }, false);
      }
    });

    it('focus areas: new names become tags with ids; tag ids are accepted back; the native API sees tags', async () => {
      const res = await api.patch(user, { details: { focus_area: ['Quantum Computing', 'Python'] } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.focus_area_data, [{ name: 'Quantum Computing' }, { name: 'Python' }]);
      const [quantum, python] = res.body.focus_area as number[];
      const other = await server.createUser();
      const back = await api.patch(other, { details: { focus_area: [python, 'quantum computing'] } });
      assert.deepEqual(back.body.focus_area, [python, quantum], 'the same tag has the same id in the org, whatever its case');
      assert.deepEqual((await api.native(other))['tags'], ['Python', 'quantum computing']);
      const unknown = await api.patch(other, { details: { focus_area: [987_654] } });
      assert.deepEqual([unknown.status, unknown.body], [400, { details: { focus_area: ['There is no tag with id 987654.'] } }]);
      assert.deepEqual((await api.patch(other, { details: { focus_area: null } })).body.focus_area, []);
    });

    it('tags written through another dialect get ids when first shown here', async () => {
      const other = await server.createUser();
      await server.request('PATCH', '/v1/me/profile', { token: other.token, body: { tags: ['Robotics', 'python'] } });
      const res = await api.get(other);
      assert.deepEqual(res.body.focus_area_data, [{ name: 'Robotics' }, { name: 'python' }]);
      assert.equal(res.body.focus_area.length, 2);
      assert.deepEqual((await api.get(other)).body.focus_area, res.body.focus_area);
    });

    it('vocabularies belong to one organization', async () => {
      await server.app.services.accounts.createOrg({ slug: `lab-${backend.name}`, name: 'Lab' });
      await server.app.services.vocabularies.add({ slug: `lab-${backend.name}` }, { kind: 'skill', name: 'Fortran' });
      const res = await api.patch(user, { details: { skills: ['Fortran'] } });
      assert.equal(res.status, 400);
      const labSkill = (await server.app.services.vocabularies.list({ slug: `lab-${backend.name}` }, 'skill'))[0]!;
      const byId = await api.patch(user, { details: { skills: [labSkill.id] } });
      assert.deepEqual(byId.body, { details: { skills: [`There is no skill with id ${labSkill.id}.`] } });
    });
  });
}
