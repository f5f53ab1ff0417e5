import type { INodeProperties } from 'n8n-workflow';

import { operationProperty, promptProperty } from './shared.properties';
import { v1Model, v1Properties } from './v1.properties';
import { v2Model, v2Properties } from './v2.properties';

/**
 * All parameters of the node, in the order the editor shows them. Each version-specific parameter carries
 * an `@version` display option, so a node shows (and n8n keeps) only its own version's parameters.
 */
export const properties: INodeProperties[] = [operationProperty, v1Model, v2Model, promptProperty, ...v1Properties, ...v2Properties];
