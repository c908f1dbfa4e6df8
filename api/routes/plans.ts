// The action plan's HTTP surface (mounted at /api): the city manager manages
// plans, goals and items; owners report progress on their own items; sponsors
// decide reschedules; everyone signed in sees the dashboard; the public sees
// only what was published. Each route parses, checks the caller's role, calls
// a service and answers; schemas and documentation are in api/planSchemas.ts.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { ZodTypeAny, z } from 'zod';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { caller, hasPermission, requirePermission } from '../auth';
import { parseBody, parseParams, parseQuery } from '../validate';
import { HttpError } from '../../services/errors';
import { addPlan } from '../../services/planService';
import { addGoal } from '../../services/goals';
import {
  addItem,
  completeItem,
  decideReschedule,
  importItems,
  postProgress,
  requestReschedule,
  setItemStatus,
  type ItemRef,
  type Person,
} from '../../services/actionItems';
import { itemsCsv } from '../../services/planCsv';
import { itemDetail, itemPeople, itemsJsonExport, listItems, listPlans, myItems, planDashboard, planDetail } from '../../services/planViews';
import { publicPlan, publicPlans } from '../../services/planPublicViews';
import {
  CompleteRequest,
  CreateGoalRequest,
  CreateItemRequest,
  CreatePlanRequest,
  DecisionParams,
  ItemParams,
  ListItemsQuery,
  PlanParams,
  ProgressRequest,
  RescheduleDecisionRequest,
  RescheduleRequest,
  StatusRequest,
} from '../planSchemas';

export interface PlansRouterDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv'];

type OwnerAction<Body> = (deps: PlansRouterDeps, item: ItemRef, person: Person, body: Body) => Promise<unknown>;

/** An async handler whose failures go to the error handler. */
const answer = (handle: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) => {
  handle(req, res).catch(next);
};

export function createPlansRouter({ db, temporal, config }: PlansRouterDeps): Router {
  const router = Router();
  const deps = { db, temporal, config };
  const readers = requirePermission('readPlans');
  const managers = requirePermission('managePlans');

  router.get('/plans', readers, answer(async (_req, res) => {
    res.json(await listPlans(db));
  }));

  router.post('/plans', managers, answer(async (req, res) => {
    const plan = await addPlan(deps, parseBody(CreatePlanRequest, req), caller(req).person);
    res.status(202).location(`/api/plans/${plan.id}`).json(plan);
  }));

  router.get('/plans/:id', readers, answer(async (req, res) => {
    res.json(await planDetail(db, parseParams(PlanParams, req).id));
  }));

  router.get('/plans/:id/people', readers, answer(async (req, res) => {
    res.json(await itemPeople(db, parseParams(PlanParams, req).id));
  }));

  router.post('/plans/:id/goals', managers, answer(async (req, res) => {
    const actor = caller(req).person;
    const { id: planId } = parseParams(PlanParams, req);
    const goal = await addGoal(db, planId, parseBody(CreateGoalRequest, req), actor);
    res.status(201).location(`/api/plans/${planId}`).json(goal);
  }));

  router.get('/plans/:id/items', readers, answer(async (req, res) => {
    const { id: planId } = parseParams(PlanParams, req);
    res.json(await listItems(db, planId, parseQuery(ListItemsQuery, req)));
  }));

  router.post('/plans/:id/items', managers, answer(async (req, res) => {
    const actor = caller(req).person;
    const { id: planId } = parseParams(PlanParams, req);
    const item = await addItem(deps, planId, parseBody(CreateItemRequest, req), actor);
    res.status(202).location(`/api/plans/${planId}/items/${item.id}`).json(item);
  }));

  router.get('/plans/:id/items.csv', readers, answer(async (req, res) => {
    const { id: planId } = parseParams(PlanParams, req);
    // Staff email addresses are for those who manage the plan; everyone else sees names and organisations.
    const csv = await itemsCsv(db, planId, { contactDetails: hasPermission(req, 'managePlans') });
    res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${planId}-items.csv"`).send(csv);
  }));

  router.get('/plans/:id/items.json', readers, answer(async (req, res) => {
    const { id: planId } = parseParams(PlanParams, req);
    const body = await itemsJsonExport(db, planId);
    res.set('Content-Disposition', `attachment; filename="${planId}-items.json"`).json(body);
  }));

  router.post(
    '/plans/:id/items/import',
    managers,
    express.text({ type: CSV_TYPES, limit: config.API_BODY_LIMIT_BYTES }),
    answer(async (req, res) => {
      const actor = caller(req).person;
      const { id: planId } = parseParams(PlanParams, req);
      if (!req.is(CSV_TYPES) || typeof req.body !== 'string') {
        throw new HttpError(415, 'unsupported_media_type', 'send the CSV file as the request body with Content-Type: text/csv', 'body');
      }
      const imported = await importItems(deps, planId, req.body, actor, req.header('Idempotency-Key'));
      res.status(imported.replayed ? 200 : 202).location(`/api/plans/${planId}/items`).json(imported);
    }),
  );

  router.get('/plans/:id/items/:itemId', readers, answer(async (req, res) => {
    const { id: planId, itemId } = parseParams(ItemParams, req);
    res.json(await itemDetail(db, temporal, planId, itemId));
  }));

  /** An owner's action on an item (the service checks it is theirs, or the city manager's). */
  const ownerAction = <S extends ZodTypeAny>(action: string, schema: S, act: OwnerAction<z.output<S>>, status = 200) =>
    router.post(`/plans/:id/items/:itemId/${action}`, readers, answer(async (req, res) => {
      const { id: planId, itemId } = parseParams(ItemParams, req);
      const body = parseBody(schema, req);
      res.status(status).json(await act(deps, { planId, itemId }, caller(req).person, body));
    }));
  ownerAction('progress', ProgressRequest, postProgress);
  ownerAction('status', StatusRequest, setItemStatus);
  ownerAction('complete', CompleteRequest, completeItem);
  ownerAction('reschedules', RescheduleRequest, requestReschedule, 201);

  router.post('/plans/:id/items/:itemId/reschedules/:requestId/decision', readers, answer(async (req, res) => {
    const { id: planId, itemId, requestId } = parseParams(DecisionParams, req);
    const decision = parseBody(RescheduleDecisionRequest, req);
    res.json(await decideReschedule(deps, { planId, itemId, requestId }, caller(req).person, decision));
  }));

  router.get('/plans/:id/dashboard', readers, answer(async (req, res) => {
    res.json(await planDashboard(db, temporal, parseParams(PlanParams, req).id));
  }));

  router.get('/me/items', readers, answer(async (req, res) => {
    res.json(await myItems(db, caller(req).person.id));
  }));

  router.get('/public/plans', answer(async (_req, res) => {
    res.json(await publicPlans(db));
  }));

  router.get('/public/plans/:id', answer(async (req, res) => {
    res.json(await publicPlan(db, parseParams(PlanParams, req).id));
  }));

  return router;
}
