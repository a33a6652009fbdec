import {
  Catch,
  createParamDecorator,
  type ArgumentsHost,
  type ExceptionFilter,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ProblemError } from '@mnc/stage-runtime';
import { audit, by } from '../audit';
import { can, type Action } from '../auth/roles';
import { readCookie, SESSION_COOKIE, type Operator } from '../auth/session';
import { DashboardContext } from '../dashboard.context';

const REQUIRES = 'dashboard:requires';
/** The action a route performs; the guard refuses anyone whose role may not perform it. */
export const Requires = (action: Action) => SetMetadata(REQUIRES, action);

export const CurrentOperator = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    (context.switchToHttp().getRequest<Request>() as RequestWithOperator).operator,
);

interface RequestWithOperator extends Request {
  operator?: Operator;
}

/** A browser asked for a page without a session: it is sent to the login page. */
export class LoginRequired extends Error {
  override readonly name = 'LoginRequired';
}

@Catch(LoginRequired)
export class LoginRedirectFilter implements ExceptionFilter {
  catch(_error: LoginRequired, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().redirect(303, '/login');
  }
}

/**
 * Every route of the dashboard goes through here: a session cookie (or an identity provider's bearer token)
 * names the operator, and the route's action must be allowed for the operator's role. Refusals are audited.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: DashboardContext,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const action = this.reflector.get<Action | undefined>(REQUIRES, execution.getHandler());
    if (!action) return true;
    const request = execution.switchToHttp().getRequest<RequestWithOperator>();
    const operator = await this.identify(request);
    if (!operator) {
      if (request.method === 'GET' && !request.path.startsWith('/api/')) throw new LoginRequired();
      throw new ProblemError(401, 'unauthenticated', 'Sign in first', 'No valid dashboard session or token.');
    }
    request.operator = operator;
    if (!can(operator.role, action)) {
      await audit(this.context.dataSource.manager, {
        ...by(operator),
        action,
        target: request.path,
        outcome: 'refused',
      });
      throw new ProblemError(
        403,
        'forbidden',
        'Not allowed for your role',
        `${action} needs a higher role than ${operator.role}.`,
        [],
        {
          action,
          role: operator.role,
        },
      );
    }
    // State-changing calls come from the dashboard's own script as JSON: a cross-site form cannot send that.
    if (request.method === 'POST' && !request.is('application/json')) {
      throw new ProblemError(
        415,
        'unsupported-media-type',
        'JSON required',
        'Actions are posted as application/json.',
      );
    }
    return true;
  }

  private async identify(request: Request): Promise<Operator | undefined> {
    const session = this.context.signer.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (session) return session;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer && this.context.oidc) {
      try {
        return await this.context.oidc.operatorFromToken(bearer);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}
