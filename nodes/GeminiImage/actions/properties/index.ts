import type { INodeProperties } from 'n8n-workflow';

import { operationProperty, promptProperty, v2OperationProperties, v2ResourceProperties, onVersions } from './shared';
import { toolPrompt, toolProperties } from './tool';
import { v1Model, v1Properties } from './v1';
import { v2Model, v2Properties, v2RefineModel } from './v2';

/**
 * All parameters of the node, in the order the editor shows them. Each version-specific parameter carries
 * an `@version` display option, so a node shows (and n8n keeps) only its own version's parameters. Version
 * 2's tool variant (`@tool`) has a prompt and choices of its own, filled in by the AI model (tool.ts).
 */
export const properties: INodeProperties[] = [
	operationProperty,
	...v2ResourceProperties,
	...v2OperationProperties,
	v1Model,
	v2Model,
	v2RefineModel,
	onVersions([1], promptProperty),
	onVersions([2], { ...promptProperty, displayOptions: { hide: { '@tool': [true] } } }),
	toolPrompt,
	...toolProperties,
	...v1Properties,
	...v2Properties,
];
