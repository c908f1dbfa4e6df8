// The console's session form offers the languages the site has: a third
// language is a folder under locales/, with nothing to add to the page.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db';
import { createSessionPagesRouter } from '../../web/sessionPages';
import { createTestConfig } from '../harness/config';

// As if locales/ had a third folder (jest hoists this above the imports): the page must take its choices from the one list.
jest.mock('../../lib/i18n', () => {
  const actual = jest.requireActual('../../lib/i18n');
  return { ...actual, languages: () => [...actual.languages(), 'pt-BR'] };
});

let server: Server;

beforeAll(async () => {
  const app = express().use(createSessionPagesRouter({ db: {} as Db, temporal: {} as Client, config: createTestConfig() }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

it('offers every language of the site for a session, the default one ticked', async () => {
  const page = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/console/sessions`)).text();
  const offered = [...page.matchAll(/<input type="checkbox" name="languages" value="([^"]+)"( checked)?>/g)].map(([, code, checked]) => ({ code, checked: !!checked }));
  expect(offered).toEqual([
    { code: 'en', checked: true },
    { code: 'es', checked: false },
    { code: 'pt-BR', checked: false },
  ]);
});
