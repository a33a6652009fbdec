import { OidcError, operatorFromClaims } from './oidc';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from './passwords';
import { ACTIONS, can, highestRole, ROLES } from './roles';
import { readCookie, SessionSigner } from './session';

describe('roles', () => {
  it('given each role, then it may do exactly the actions at or below its rank', () => {
    expect(can('viewer', 'view')).toBe(true);
    expect(can('viewer', 'photo.review')).toBe(false);
    expect(can('reviewer', 'photo.review')).toBe(true);
    expect(can('reviewer', 'lane.command')).toBe(false);
    expect(can('supervisor', 'dead-letter.replay')).toBe(true);
    expect(can('supervisor', 'audit.read')).toBe(false);
    expect(can('administrator', 'audit.read')).toBe(true);
    for (const action of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[])
      expect(can('administrator', action)).toBe(true);
  });

  it('given an identity provider role list, then the highest known role wins and unknown names are ignored', () => {
    expect(highestRole(['viewer', 'supervisor', 'cleaner'])).toBe('supervisor');
    expect(highestRole(['cleaner'])).toBeUndefined();
    expect(ROLES).toHaveLength(4);
  });
});

describe('local passwords', () => {
  it('given a hash, then only the right password verifies; the dummy hash verifies nothing', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', UNUSABLE_HASH)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});

describe('sessions', () => {
  const signer = new SessionSigner(Buffer.alloc(32, 7), 60_000);
  it('given a signed session, then it verifies until it expires and not after tampering', () => {
    const token = signer.sign({ name: 'aiko', role: 'reviewer', via: 'local' }, 1000);
    expect(signer.verify(token, 2000)).toEqual({ name: 'aiko', role: 'reviewer', via: 'local' });
    expect(signer.verify(token, 61_001)).toBeUndefined();
    const [body, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ name: 'aiko', role: 'administrator', via: 'local', exp: 9e15 }),
    ).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`, 2000)).toBeUndefined();
    expect(signer.verify(`${body}.x${mac.slice(1)}`, 2000)).toBeUndefined();
    expect(new SessionSigner(Buffer.alloc(32, 8), 60_000).verify(token, 2000)).toBeUndefined();
  });

  it('reads one cookie among several', () => {
    expect(readCookie('a=1; mnc=x%3Dy; b=2', 'mnc')).toBe('x=y');
    expect(readCookie(undefined, 'mnc')).toBeUndefined();
  });
});

describe('OIDC claims', () => {
  it('given a verified token with a role claim, then the operator has the highest dashboard role', () => {
    expect(
      operatorFromClaims({ sub: 'u-1', preferred_username: 'aiko', roles: ['viewer', 'reviewer'] }, 'roles'),
    ).toEqual({
      name: 'aiko',
      role: 'reviewer',
      via: 'oidc',
    });
    expect(operatorFromClaims({ sub: 'u-2', groups: 'supervisor' }, 'groups')).toEqual({
      name: 'u-2',
      role: 'supervisor',
      via: 'oidc',
    });
  });

  it('given no dashboard role in the claim, then the token is refused', () => {
    expect(() => operatorFromClaims({ sub: 'u-1', roles: ['guest'] }, 'roles')).toThrow(OidcError);
  });
});
