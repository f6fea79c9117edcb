import type { DialectName } from '../sql/dialect';
import { workflowEventEntity } from './workflow-event.entity';
import { workflowInstanceEntity } from './workflow-instance.entity';
import { workflowLogEntity } from './workflow-log.entity';
import { workflowSettingEntity } from './workflow-setting.entity';
import { workflowStepEntity } from './workflow-step.entity';
import { workflowTaskEntity } from './workflow-task.entity';

/** The five tables of the run model, and the settings shared by every process, typed for one database. */
export function workflowEntities(dialect: DialectName) {
  return [
    workflowInstanceEntity(dialect),
    workflowTaskEntity(dialect),
    workflowStepEntity(dialect),
    workflowEventEntity(dialect),
    workflowLogEntity(dialect),
    workflowSettingEntity(dialect),
  ];
}
