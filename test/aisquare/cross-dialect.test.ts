import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialects } from '../../packages/server/src/dialects/index.ts';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer, type TestUser } from '../support/server.ts';
import { aisquare } from './support/aisquare.ts';

const mounted = (name: string) => dialects.some((d) => d.name === name);

for (const backend of backends) {
  describe(`AISquare and the other dialects read and write one profile (${backend.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof aisquare>;
    let user: TestUser;
    const nativePatch = (body: unknown) => server.request('PATCH', '/v1/me/profile', { token: user.token, body });
    before(async () => {
      // Phones round-trip as written, the default (their opt-in verification: test/lifecycle/verified-phone.test.ts).
      server = await startServer(backend);
      api = aisquare(server);
      user = await server.createUser();
    });
    after(() => server.close());

    it('written through AISquare, seen natively: full_name → display_name, bio → summary, website_url → website, focus_area → tags, and the rest of the table', async () => {
      const res = await api.patch(user, {
        full_name: 'Katherine Johnson',
        details: {
          bio: 'Orbital mechanics, **by hand**.', website_url: 'https://nasa.gov/katherine', focus_area: ['Trajectories', 'Orbital Mechanics'],
          phone: '+1 757 555 0100', dob: '1918-08-26', country: 'USA', address: { street: '1 NASA Drive', city: 'Hampton', state: 'VA', post_code: '23666' },
          user_type: 'mathematician', profile_picture: 'https://img.example.com/kj.png', resume: 'https://cv.example.com/kj.pdf',
          github_url: 'https://github.com/kj', communication_preferences_email: true, platform_features_emails: true, company_info: { employer: 'NASA' },
        },
      });
      assert.equal(res.status, 200);
      const n = await api.native(user);
      assert.deepEqual(
        [n['display_name'], n['summary'], n['website'], n['tags'], n['mobile_phone'], n['date_of_birth'], n['country'], n['street'], n['city'], n['state'], n['post_code'], n['member_type'], n['picture'], n['resume'], n['github'], n['contact_by_email'], n['platform_feature_emails'], n['company_info']],
        ['Katherine Johnson', 'Orbital mechanics, **by hand**.', 'https://nasa.gov/katherine', ['Trajectories', 'Orbital Mechanics'], '+1 757 555 0100', '1918-08-26', 'US', '1 NASA Drive', 'Hampton', 'VA', '23666', 'mathematician', 'https://img.example.com/kj.png', 'https://cv.example.com/kj.pdf', 'https://github.com/kj', true, true, { employer: 'NASA' }],
      );
      assert.equal(n['mobile_phone_e164'], '+17575550100', 'derived fields follow the write');
    });

    it('written natively, seen through AISquare: display_name, summary, website and tags', async () => {
      const res = await nativePatch({ display_name: 'Dorothy Vaughan', summary: 'FORTRAN teacher', website: 'https://example.org/dv', tags: ['FORTRAN', 'Leadership'], street: 'Only a street', city: '', state: '', post_code: '' });
      assert.equal(res.status, 200);
      const view = await api.get(user);
      assert.deepEqual([view.body.full_name, view.body.bio, view.body.website_url, view.body.address], ['Dorothy Vaughan', 'FORTRAN teacher', 'https://example.org/dv', 'Only a street']);
      assert.deepEqual(view.body.focus_area_data, [{ name: 'FORTRAN' }, { name: 'Leadership' }]);
    });

    it('a social handle written elsewhere is shown as its profile URL; clearing through AISquare clears everywhere', async () => {
      await nativePatch({ twitter: '@dvaughan', linkedin: 'dorothy-vaughan', github: 'dvaughan', portfolio: 'https://dv.example.org' });
      const view = await api.get(user);
      assert.deepEqual([view.body.twitter_url, view.body.linkedin_url, view.body.github_url, view.body.portfolio_url], ['https://twitter.com/dvaughan', 'https://www.linkedin.com/in/dorothy-vaughan', 'https://github.com/dvaughan', 'https://dv.example.org']);
      await api.patch(user, { details: { twitter_url: null, website_url: '' } });
      const n = await api.native(user);
      assert.deepEqual([n['twitter'], n['website']], [null, null]);
    });

    if (mounted('nexudus')) {
      it('Nexudus: FullName, ProfileSummary, ProfileWebsite and ProfileTags are the same fields', async () => {
        await api.patch(user, { full_name: 'Mary Jackson', details: { bio: 'Engineer', website_url: 'https://example.org/mj', focus_area: ['Wind tunnels', 'Engineering'] } });
        const read = await server.request('GET', '/en/profile?_resource=Coworker', { token: user.token });
        assert.equal(read.status, 200);
        assert.deepEqual([read.body.FullName, read.body.ProfileSummary, read.body.ProfileWebsite], ['Mary Jackson', 'Engineer', 'https://example.org/mj']);
        assert.deepEqual(String(read.body.ProfileTags).split(',').map((t) => t.trim()), ['Wind tunnels', 'Engineering']);
        const write = await server.request('PATCH', '/api/public/coworker/profile', { token: user.token, body: { FullName: 'Mary W. Jackson', ProfileSummary: 'Aerospace engineer', ProfileTags: 'Aerospace,Engineering' } });
        assert.equal(write.status, 200);
        const view = await api.get(user);
        assert.deepEqual([view.body.full_name, view.body.bio, view.body.focus_area_data], ['Mary W. Jackson', 'Aerospace engineer', [{ name: 'Aerospace' }, { name: 'Engineering' }]]);
      });
    }

    if (mounted('zitadel')) {
      it('ZITADEL: displayName is full_name', async () => {
        const write = await server.request('PUT', '/auth/v1/users/me/profile', { token: user.token, body: { firstName: 'Christine', lastName: 'Darden', displayName: 'Christine Darden' } });
        assert.equal(write.status, 200);
        assert.equal((await api.get(user)).body.full_name, 'Christine Darden');
      });
    }
  });
}
