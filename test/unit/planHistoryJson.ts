// Proto-JSON for Temporal histories (the format `temporal workflow show
// --output json` writes). The SDK's own historyToJSON/historyFromJSON fail in
// this install ("type must be a Type"): @temporalio/common and
// @temporalio/proto each carry their own copy of protobufjs 8, and the JSON
// codec of one does not accept the other's types. Using the codec from the
// copy that defined the History type avoids the mismatch.
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type ProtoJson = {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [require.resolve('@temporalio/proto')] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export type History = proto.temporal.api.history.v1.IHistory;

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, history);
}

/** A decoded History message, ready for Worker.runReplayHistory. */
export function historyFromJson(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
