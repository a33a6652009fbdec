import { AccessCondition } from '@mnc/card-profiles';

/**
 * What has been proven to the currently selected AP in this session: the PIN objects verified. Selecting
 * an AP (again) starts a new, empty one, as on the real card.
 */
export class SecurityState {
  /** Verified by VERIFY of the object itself (CHANGE REFERENCE DATA needs this). */
  private readonly direct = new Set<number>();
  /** Verified directly or through another PIN that also satisfies it (next-gen: 001B satisfies 0018). */
  private readonly effective = new Set<number>();

  verified(fid: number, alsoSatisfies: readonly number[] = []): void {
    this.direct.add(fid);
    this.effective.add(fid);
    for (const other of alsoSatisfies) this.effective.add(other);
  }

  /** A failed VERIFY withdraws what the object had proven in this session. */
  failed(fid: number, alsoSatisfies: readonly number[] = []): void {
    this.direct.delete(fid);
    this.effective.delete(fid);
    for (const other of alsoSatisfies) if (!this.direct.has(other)) this.effective.delete(other);
  }

  isVerifiedDirectly(fid: number): boolean {
    return this.direct.has(fid);
  }

  satisfies(condition: AccessCondition): boolean {
    switch (condition.kind) {
      case 'always':
        return true;
      case 'never':
        return false;
      case 'pin':
        return condition.anyOf.some((fid) => this.effective.has(fid));
      default:
        return assertNever(condition);
    }
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled access condition ${JSON.stringify(value)}`);
}
