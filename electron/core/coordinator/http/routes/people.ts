/** People: users created, changed and disabled by an admin; personal tokens made, listed and revoked by their owner (or an admin). */
import express from 'express';
import { createTokenBody, createUserBody, disableUserBody, tokenIdBody, updateUserBody } from '../../../../../shared/roles.ts';
import { personOf, type Person } from '../auth.ts';
import type { CoordinatorContext } from '../../context.ts';
import { parseBody, queryString } from '../validate.ts';
import { RouteHandlers } from '../endpoint-routes.ts';
import { createUser, listUsers, setUserEnabled, updateUser } from '../../people/users.ts';
import { createToken, listTokens, revokeToken } from '../../people/tokens.ts';
import type { Response } from 'express';

/** The person calling (the table's `who` made sure there is one). */
export function caller(res: Response): Person {
  return personOf(res)!;
}

export function peopleRoutes(ctx: CoordinatorContext): RouteHandlers {
  const routes = new RouteHandlers();
  const json = express.json({ limit: '16kb' });
  const { store } = ctx;

  routes.on('postUsersCreate', json, async (req, res) => {
    const body = parseBody(createUserBody, req.body, ['name', 'role'], 'name and role are required');
    const created = await createUser(store, body);
    await ctx.commit.durable();
    ctx.logger.info('person created', { userId: created.user.userId, name: created.user.name, role: created.user.role });
    res.json({ success: true, ...created });
  });

  routes.on('getUsersCreate', (_req, res) => {
    const users = listUsers(store);
    res.json({ users, count: users.length });
  });

  routes.on('postUsersUpdate', json, async (req, res) => {
    const body = parseBody(updateUserBody, req.body, ['userId'], 'userId is required');
    const updated = await updateUser(store, body);
    await ctx.commit.durable();
    res.json({ success: true, ...updated });
  });

  routes.on('postUsersDisable', json, async (req, res) => {
    const body = parseBody(disableUserBody, req.body, ['userId'], 'userId is required');
    const user = setUserEnabled(store, body.userId, body.enabled === true);
    await ctx.commit.durable();
    res.json({ success: true, user });
  });

  routes.on('postTokensCreate', json, async (req, res) => {
    const body = parseBody(createTokenBody, req.body, ['name', 'expiresInDays'], 'name and expiresInDays are required');
    const made = createToken(store, caller(res), body.name, body.expiresInDays);
    await ctx.commit.durable();
    res.json({ success: true, ...made });
  });

  routes.on('getTokens', (req, res) => {
    const tokens = listTokens(store, caller(res), queryString(req.query.userId, 'userId'));
    res.json({ tokens, count: tokens.length });
  });

  routes.on('postTokensRevoke', json, async (req, res) => {
    const { tokenId } = parseBody(tokenIdBody, req.body, ['tokenId'], 'tokenId is required');
    revokeToken(store, caller(res), tokenId);
    await ctx.commit.durable();
    res.json({ success: true, tokenId });
  });
  return routes;
}
