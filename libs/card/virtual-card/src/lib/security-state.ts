import { AccessCondition } from './access-condition';

/**
 * What has been proven to the currently selected AP in this session. Selecting an AP (again) starts a new,
 * empty one, as on the real card. PIN verification will record its results here; today the conditions
 * need no proof.
 */
export class SecurityState {
  satisfies(condition: AccessCondition): boolean {
    switch (condition.kind) {
      case 'always':
        return true;
      case 'never':
        return false;
      default:
        return assertNever(condition);
    }
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled access condition ${JSON.stringify(value)}`);
}
