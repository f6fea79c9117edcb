// Written by `npm run openapi` from a real run of the API (test/support/api-examples.ts); do not edit.
import type { ApiExamples } from './api-example-types';

export const API_EXAMPLES: ApiExamples = {
  "responses": {
    "workflows": {
      "workflows": [
        {
          "name": "approval",
          "description": "Waits up to 1 hour for an \"approval\" event, then pays out approved requests after a 5-second cooling-off sleep.",
          "paramsSchema": {
            "type": "object",
            "properties": {
              "requester": {
                "type": "string",
                "minLength": 1
              },
              "amount": {
                "type": "number",
                "exclusiveMinimum": 0
              }
            },
            "required": [
              "requester",
              "amount"
            ]
          }
        },
        {
          "name": "order",
          "description": "Reserves stock (retried: fails twice, then succeeds), charges the card (a decline is non-retryable), ships.",
          "paramsSchema": {
            "properties": {
              "orderId": {
                "minLength": 1,
                "type": "string"
              },
              "items": {
                "items": {
                  "type": "string"
                },
                "type": "array"
              },
              "declineCard": {
                "type": "boolean"
              }
            },
            "type": "object",
            "required": [
              "orderId",
              "items"
            ],
            "additionalProperties": false
          }
        },
        {
          "name": "parent",
          "description": "Runs a \"child\" instance and completes with its result."
        },
        {
          "name": "child",
          "description": "Does its task and returns the result to whoever waits for it."
        }
      ]
    },
    "list": {
      "instances": [
        {
          "id": "req-3",
          "details": {
            "status": "queued"
          },
          "createdAt": "2026-12-02T02:30:27.522Z",
          "updatedAt": "2026-12-02T02:30:27.522Z"
        },
        {
          "id": "req-2",
          "details": {
            "status": "queued"
          },
          "createdAt": "2026-12-02T02:30:27.522Z",
          "updatedAt": "2026-12-02T02:30:27.522Z"
        }
      ],
      "cursor": "eyJzIjoiaW5zdGFuY2VzOmFwcHJvdmFsOioiLCJwIjp7ImNyZWF0ZWRBdCI6MTc5NjE3ODYyNzUyMiwiaW5zdGFuY2VJZCI6InJlcS0yIn0sIm4iOjIsIm8iOiJkZXNjIn0.Fuznf8tuHffClEwj7pthA5QdDBh08TgotN2jkQS4_OE",
      "hasNextPage": true
    },
    "create": {
      "id": "req-1",
      "details": {
        "status": "queued"
      }
    },
    "batch": {
      "instances": [
        {
          "id": "req-2",
          "details": {
            "status": "queued"
          }
        },
        {
          "id": "req-3",
          "details": {
            "status": "queued"
          }
        }
      ]
    },
    "waiting": {
      "id": "req-1",
      "details": {
        "status": "waiting"
      },
      "meta": {
        "workflowName": "approval",
        "runNumber": 0,
        "params": {
          "requester": "ada",
          "amount": 120
        },
        "pauseRequested": false,
        "createdAt": "2026-12-02T02:30:27.455Z",
        "updatedAt": "2026-12-02T02:30:27.478Z",
        "startedAt": "2026-12-02T02:30:27.467Z",
        "completedAt": null,
        "currentStep": {
          "stepKey": "wait for decision",
          "name": "wait for decision",
          "type": "waitForEvent",
          "status": "waiting",
          "attempts": 0,
          "maxAttempts": 1,
          "timeoutMs": 3600000,
          "nextRetryAt": null,
          "wakeAt": "2026-12-02T03:30:27.477Z",
          "waitEventType": "approval"
        }
      }
    },
    "complete": {
      "id": "report-1",
      "details": {
        "status": "complete",
        "output": {
          "childId": "report-1-child",
          "childResult": "report done"
        }
      },
      "meta": {
        "workflowName": "parent",
        "runNumber": 0,
        "params": {
          "task": "report"
        },
        "pauseRequested": false,
        "createdAt": "2026-12-02T02:30:27.686Z",
        "updatedAt": "2026-12-02T02:30:27.716Z",
        "startedAt": "2026-12-02T02:30:27.690Z",
        "completedAt": "2026-12-02T02:30:27.716Z",
        "currentStep": {
          "stepKey": "wait child report-1-child",
          "name": "wait child report-1-child",
          "type": "waitForWorkflow",
          "status": "completed",
          "attempts": 0,
          "maxAttempts": 1,
          "timeoutMs": 3600000,
          "nextRetryAt": null,
          "wakeAt": "2026-12-02T03:30:27.695Z",
          "waitEventType": null,
          "childWorkflowName": "child",
          "childInstanceId": "report-1-child"
        }
      }
    },
    "history": {
      "runNumber": 0,
      "steps": [
        {
          "id": "ebdfba45-bfbe-4eb0-93c1-06a72d2c4a50",
          "runNumber": 0,
          "stepKey": "cooling off",
          "name": "cooling off",
          "type": "sleep",
          "status": "waiting",
          "attempts": 0,
          "maxAttempts": 1,
          "timeoutMs": null,
          "nextRetryAt": null,
          "wakeAt": "2026-12-02T02:30:32.506Z",
          "waitEventType": null,
          "result": null,
          "createdAt": "2026-12-02T02:30:27.506Z",
          "updatedAt": "2026-12-02T02:30:27.506Z"
        },
        {
          "id": "dc411ab6-2c18-4c4c-ac32-f01abf390ded",
          "runNumber": 0,
          "stepKey": "wait for decision",
          "name": "wait for decision",
          "type": "waitForEvent",
          "status": "completed",
          "attempts": 0,
          "maxAttempts": 1,
          "timeoutMs": 3600000,
          "nextRetryAt": null,
          "wakeAt": "2026-12-02T03:30:27.477Z",
          "waitEventType": "approval",
          "result": {
            "type": "approval",
            "payload": {
              "approved": true,
              "approver": "grace"
            },
            "timestamp": "2026-12-02T02:30:27.496Z"
          },
          "createdAt": "2026-12-02T02:30:27.477Z",
          "updatedAt": "2026-12-02T02:30:27.505Z"
        },
        {
          "id": "4f884dc7-d980-48c1-a54e-71998395ec42",
          "runNumber": 0,
          "stepKey": "record request",
          "name": "record request",
          "type": "do",
          "status": "completed",
          "attempts": 1,
          "maxAttempts": 6,
          "timeoutMs": 600000,
          "nextRetryAt": null,
          "wakeAt": null,
          "waitEventType": null,
          "result": {
            "requester": "ada",
            "amount": 120,
            "receivedAt": "2026-12-02T02:30:27.455Z"
          },
          "createdAt": "2026-12-02T02:30:27.474Z",
          "updatedAt": "2026-12-02T02:30:27.474Z"
        }
      ],
      "stepsHasNextPage": false,
      "events": [
        {
          "id": "decision-req-1",
          "runNumber": 0,
          "type": "approval",
          "payload": {
            "approved": true,
            "approver": "grace"
          },
          "createdAt": "2026-12-02T02:30:27.496Z",
          "deliveredAt": "2026-12-02T02:30:27.505Z",
          "consumedByStepKey": "wait for decision"
        }
      ],
      "eventsHasNextPage": false,
      "logs": [
        {
          "id": "3",
          "runNumber": 0,
          "stepKey": null,
          "attempt": null,
          "level": "info",
          "category": "workflow",
          "message": "Waiting for a decision",
          "data": {
            "requester": "ada",
            "amount": 120,
            "receivedAt": "2026-12-02T02:30:27.455Z"
          },
          "isReplay": true,
          "createdAt": "2026-12-02T02:30:27.504Z"
        },
        {
          "id": "2",
          "runNumber": 0,
          "stepKey": null,
          "attempt": null,
          "level": "info",
          "category": "workflow",
          "message": "Waiting for a decision",
          "data": {
            "requester": "ada",
            "amount": 120,
            "receivedAt": "2026-12-02T02:30:27.455Z"
          },
          "isReplay": false,
          "createdAt": "2026-12-02T02:30:27.476Z"
        },
        {
          "id": "1",
          "runNumber": 0,
          "stepKey": null,
          "attempt": null,
          "level": "info",
          "category": "system",
          "message": "Run 0 started",
          "data": null,
          "isReplay": false,
          "createdAt": "2026-12-02T02:30:27.471Z"
        }
      ],
      "logsHasNextPage": false
    },
    "pause": {
      "ok": true,
      "id": "req-2",
      "details": {
        "status": "paused"
      }
    },
    "resume": {
      "ok": true,
      "id": "req-2",
      "details": {
        "status": "queued"
      }
    },
    "restart": {
      "ok": true,
      "id": "req-3",
      "details": {
        "status": "queued"
      }
    },
    "terminate": {
      "ok": true,
      "id": "req-3",
      "details": {
        "status": "terminated"
      }
    },
    "delete": {
      "ok": true,
      "id": "req-3",
      "deleted": true
    },
    "sent": {
      "status": {
        "status": "queued"
      },
      "event": {
        "id": "decision-req-1",
        "type": "approval",
        "createdAt": "2026-12-02T02:30:27.496Z"
      }
    },
    "tick": {
      "processed": 1,
      "nextWakeAt": "2026-12-02T02:30:32.506Z"
    }
  },
  "errors": {
    "VALIDATION_ERROR": {
      "message": "pageSize must be a whole number from 1 to 100",
      "code": "VALIDATION_ERROR",
      "details": {
        "issues": [
          "pageSize must be a whole number from 1 to 100"
        ]
      }
    },
    "INVALID_INSTANCE_ID": {
      "message": "Instance id must be 1-100 characters of letters, digits, '_' and '-', not starting with '-'",
      "code": "INVALID_INSTANCE_ID",
      "details": {
        "value": "-no-leading-dash"
      }
    },
    "INVALID_EVENT_TYPE": {
      "message": "Event type must be 1-100 characters of letters, digits, '_' and '-', not starting with '-'",
      "code": "INVALID_EVENT_TYPE",
      "details": {
        "value": "not a type"
      }
    },
    "INVALID_CURSOR": {
      "message": "The cursor was not issued by this server for this query",
      "code": "INVALID_CURSOR"
    },
    "WORKFLOW_PARAMS_INVALID": {
      "message": "Params rejected by the workflow",
      "code": "WORKFLOW_PARAMS_INVALID",
      "details": {
        "issues": [
          "requester must be a non-empty string",
          "amount must be a positive number"
        ]
      }
    },
    "WORKFLOW_NOT_FOUND": {
      "message": "Workflow \"billing\" is not registered",
      "code": "WORKFLOW_NOT_FOUND"
    },
    "INSTANCE_NOT_FOUND": {
      "message": "Instance \"req-404\" of workflow \"approval\" not found",
      "code": "INSTANCE_NOT_FOUND"
    },
    "ROUTE_NOT_FOUND": {
      "message": "No route GET /api/workflows/workflows/approval/things",
      "code": "ROUTE_NOT_FOUND"
    },
    "INSTANCE_ID_ALREADY_EXISTS": {
      "message": "Instance \"req-1\" of workflow \"approval\" already exists",
      "code": "INSTANCE_ID_ALREADY_EXISTS"
    },
    "INSTANCE_TERMINAL": {
      "message": "Cannot pause instance \"report-1\": it is complete",
      "code": "INSTANCE_TERMINAL",
      "details": {
        "status": "complete"
      }
    },
    "INSTANCE_NOT_TERMINAL": {
      "message": "Cannot delete instance \"req-2\": it is waiting; terminate it first, or delete with force",
      "code": "INSTANCE_NOT_TERMINAL",
      "details": {
        "status": "waiting"
      }
    },
    "PAYLOAD_TOO_LARGE": {
      "message": "The request body is over the size limit",
      "code": "PAYLOAD_TOO_LARGE"
    },
    "UNAUTHORIZED": {
      "message": "A valid \"Authorization: Bearer <token>\" header is required",
      "code": "UNAUTHORIZED"
    },
    "FORBIDDEN": {
      "message": "Not allowed",
      "code": "FORBIDDEN"
    },
    "RUNNER_TICK_DISABLED": {
      "message": "The runner tick route is disabled (enableRunnerTick is false)",
      "code": "RUNNER_TICK_DISABLED"
    },
    "INTERNAL_ERROR": {
      "message": "Internal server error",
      "code": "INTERNAL_ERROR",
      "details": {
        "errorId": "req-7f3a9c"
      }
    },
    "DATABASE_UNAVAILABLE": {
      "message": "The database is unavailable; try again shortly",
      "code": "DATABASE_UNAVAILABLE"
    }
  }
};
