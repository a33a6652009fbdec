import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { audit } from '../audit';
import { OidcError } from '../auth/oidc';
import { UNUSABLE_HASH, verifyPassword } from '../auth/passwords';
import { readCookie, SESSION_COOKIE, type Operator } from '../auth/session';
import { DashboardContext } from '../dashboard.context';
import { loginPage } from '../web/layout';
import { langOf } from './lang';

const OIDC_STATE_COOKIE = 'mnc_dashboard_oidc';

@Controller()
export class AuthController {
  constructor(private readonly context: DashboardContext) {}

  @Get('login')
  login(@Req() request: Request, @Res() response: Response) {
    response.type('html').send(loginPage(langOf(request), { oidc: Boolean(this.context.oidc) }).value);
  }

  @Get('lang/:lang')
  language(@Param('lang') lang: string, @Req() request: Request, @Res() response: Response) {
    response.cookie('lang', lang === 'ja' ? 'ja' : 'en', { sameSite: 'lax', httpOnly: false, path: '/' });
    const back = request.get('referer');
    response.redirect(
      303,
      back && new URL(back).host === request.get('host')
        ? new URL(back).pathname + new URL(back).search
        : '/',
    );
  }

  @Post('auth/login')
  @HttpCode(303)
  async signIn(
    @Body() body: { username?: unknown; password?: unknown },
    @Req() request: Request,
    @Res() response: Response,
  ) {
    const username = typeof body?.username === 'string' ? body.username : '';
    const password = typeof body?.password === 'string' ? body.password : '';
    const account = this.context.config.dashboard.users.find((u) => u.name === username);
    // Verify against a dummy hash for unknown users too, so the response time does not reveal who exists.
    const valid = await verifyPassword(password, account?.passwordHash ?? UNUSABLE_HASH);
    const manager = this.context.dataSource.manager;
    if (!account || !valid) {
      await audit(manager, { actor: `local:${username.slice(0, 64)}`, action: 'login', outcome: 'refused' });
      response
        .status(401)
        .type('html')
        .send(
          loginPage(langOf(request), {
            error: 'Unknown user or wrong password.',
            oidc: Boolean(this.context.oidc),
          }).value,
        );
      return;
    }
    const operator: Operator = { name: account.name, role: account.role, via: 'local' };
    await audit(manager, {
      actor: `local:${account.name}`,
      role: account.role,
      action: 'login',
      outcome: 'ok',
    });
    this.setSession(response, operator);
    response.redirect(303, '/');
  }

  @Post('auth/logout')
  async signOut(@Req() request: Request, @Res() response: Response) {
    const operator = this.context.signer.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (operator) {
      await audit(this.context.dataSource.manager, {
        actor: `${operator.via}:${operator.name}`,
        role: operator.role,
        action: 'logout',
        outcome: 'ok',
      });
    }
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.redirect(303, '/login');
  }

  @Get('auth/oidc/login')
  async oidcLogin(@Res() response: Response) {
    if (!this.context.oidc) {
      response.status(404).type('text').send('OIDC is not configured');
      return;
    }
    const { url, state } = await this.context.oidc.authorizationUrl();
    response.cookie(OIDC_STATE_COOKIE, this.context.signer.sealState(state, 600_000), {
      httpOnly: true,
      sameSite: 'lax',
      maxAge: 600_000,
      path: '/auth/oidc',
    });
    response.redirect(303, url);
  }

  @Get('auth/oidc/callback')
  async oidcCallback(
    @Query('code') code: string,
    @Query('state') state: string,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    const manager = this.context.dataSource.manager;
    const carried = this.context.signer.openState(readCookie(request.headers.cookie, OIDC_STATE_COOKIE));
    if (!this.context.oidc || !carried || !code) {
      response.status(400).type('text').send('OIDC login was not started here or has expired');
      return;
    }
    try {
      const operator = await this.context.oidc.exchange(code, state, {
        state: carried['state'] ?? '',
        nonce: carried['nonce'] ?? '',
        verifier: carried['verifier'] ?? '',
      });
      await audit(manager, {
        actor: `oidc:${operator.name}`,
        role: operator.role,
        action: 'login',
        outcome: 'ok',
      });
      response.clearCookie(OIDC_STATE_COOKIE, { path: '/auth/oidc' });
      this.setSession(response, operator);
      response.redirect(303, '/');
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      await audit(manager, {
        actor: 'oidc:unknown',
        action: 'login',
        outcome: 'refused',
        detail: { code: error.code },
      });
      response.status(401).type('text').send(`Sign-in refused: ${error.code}`);
    }
  }

  private setSession(response: Response, operator: Operator): void {
    response.cookie(SESSION_COOKIE, this.context.signer.sign(operator), {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: this.context.config.dashboard.sessionHours * 3_600_000,
    });
  }
}
