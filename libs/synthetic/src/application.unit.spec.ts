import { syntheticApplication } from './application';
import { syntheticApplicant } from './applicant';

describe('syntheticApplication', () => {
  it('is deterministic for a seed, photo bytes included', async () => {
    const [a, b] = await Promise.all([syntheticApplication(11), syntheticApplication(11)]);
    expect(a.portrait.bytes.equals(b.portrait.bytes)).toBe(true);
    expect({ ...a, portrait: undefined }).toEqual({ ...b, portrait: undefined });
  });

  it('starts with the same applicant as syntheticApplicant(seed) and is filed in its municipality', async () => {
    const application = await syntheticApplication(12);
    expect(application.applicant).toEqual(syntheticApplicant(12));
    expect(application.municipalityCode).toBe(application.applicant.localGovernmentCode);
  });

  it('covers every channel, route and card profile; a lost card always goes express', async () => {
    const applications = await Promise.all(
      Array.from({ length: 40 }, (_, seed) => syntheticApplication(seed)),
    );
    expect(new Set(applications.map((application) => application.channel))).toEqual(
      new Set(['counter', 'online', 'paper', 'lost-card-reissue']),
    );
    expect(new Set(applications.map((application) => application.route))).toEqual(
      new Set(['normal', 'express']),
    );
    expect(new Set(applications.map((application) => application.cardProfile))).toEqual(
      new Set(['legacy-rsa2048', 'next-gen']),
    );
    for (const application of applications) {
      if (application.channel === 'lost-card-reissue') expect(application.route).toBe('express');
    }
  });
});
