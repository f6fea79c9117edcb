/** The typed HTTP client (`durable-workflows/client`): what the CLI and other services use. */
export { WorkflowsHttpClient, type ActionResult, type DeleteAnswer, type HttpClientOptions, type TickAnswer } from './workflows-http-client';
export { WorkflowsApiError, WorkflowsNetworkError } from './http-errors';
export type { CreatedInstance, CreateInstanceInput } from '../engine/lifecycle/create-instances';
export type { DeletedInstance, DeleteInstanceOptions } from '../engine/lifecycle/delete-instance';
export type { SendEventInput, SentEvent } from '../engine/lifecycle/send-event';
export type { History, HistoryOptions } from '../engine/queries/history-query';
export type { InstancePage, ListInstancesOptions } from '../engine/queries/instance-queries';
export type { EventView, InstanceDetails, InstanceSummary, InstanceView, LogView, StepView } from '../engine/views';
