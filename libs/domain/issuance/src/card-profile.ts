/** The two card profiles issued side by side (the same values as `CardProfile` in @mnc/contracts). */
export type CardProfile = 'legacy-rsa2048' | 'next-gen';
export const CARD_PROFILES: readonly CardProfile[] = ['legacy-rsa2048', 'next-gen'];
