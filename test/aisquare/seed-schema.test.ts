import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseFlatOpenApi } from './support/flat-yaml.ts';
import { assertView, openapi, SHARED_SEED, VENDORED_SEED, yamlBlock } from './support/seed.ts';

describe('seed 004 read as the law: the flattened OpenAPI YAML, parsed from the seed itself', () => {
  it('the copy kept with the fixtures is the seed, byte for byte (when the shared seeds are present)', () => {
    if (existsSync(SHARED_SEED)) assert.equal(readFileSync(VENDORED_SEED, 'utf8'), readFileSync(SHARED_SEED, 'utf8'));
    else assert.ok(readFileSync(VENDORED_SEED, 'utf8').includes('IAMUserDetailView'));
  });

  it('every component schema lands under its own name (each title matches), and the operation is where the seed puts it', () => {
    const schemas = openapi.components.schemas as Record<string, { title: string; properties: Record<string, unknown> }>;
    assert.deepEqual(Object.keys(schemas), ['DeveloperSkill', 'InvestmentInterest', 'Tag', 'IAMUserDetail', 'PatchedUserProfileUpdate', 'IAMUserDetailView']);
    for (const [name, s] of Object.entries(schemas)) assert.equal(s.title, name);
    const op = openapi.paths['/api/v1/iam/user/profile/'].patch;
    assert.equal(op.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/IAMUserDetailView');
    assert.equal(op.requestBody.content['application/json'].schema.$ref, '#/components/schemas/PatchedUserProfileUpdate');
    assert.deepEqual(Object.keys(op.responses), ['200', '400', '401', '404']);
  });

  it('nesting follows the OpenAPI grammar: a property named "title" or "description" is a property, a schema\'s own is its own', () => {
    const view = openapi.components.schemas.IAMUserDetailView;
    assert.deepEqual(view.properties.title, { type: 'string' });
    assert.deepEqual(openapi.components.schemas.DeveloperSkill.properties.description, { type: ['string', 'null'] });
    assert.deepEqual(openapi.components.schemas.IAMUserDetail.properties.additional_data, { oneOf: [{ description: 'Any type' }, { type: 'null' }] });
    assert.match(openapi.components.schemas.PatchedUserProfileUpdate.description, /^Serializer for updating user profile information/);
    assert.deepEqual(openapi.components.schemas.PatchedUserProfileUpdate.properties.details, { $ref: '#/components/schemas/IAMUserDetail' });
  });

  it('the reader is strict: a token it cannot place, or a dangling $ref, is an error', () => {
    assert.throws(() => parseFlatOpenApi('openapi: 3.1.0 surprise: here'), /could not place/);
    assert.throws(() => parseFlatOpenApi(`${yamlBlock()} trailing: words`), /could not place/);
    assert.throws(() => parseFlatOpenApi('openapi: 3.1.0 components: schemas: A: $ref: \'#/components/schemas/Missing\''), /does not resolve/);
  });

  it('the view validator can fail: a missing required property or a wrong type is reported', () => {
    assert.throws(() => assertView({}), /must have required property 'user_id'/);
    assert.throws(() => assertView({ user_id: 1 }), /user_id must be string/);
  });
});
