// Public surface of @outreach/templates (explicit names, no `export *`).
export {
  TEMPLATE_VARIABLES,
  TEMPLATE_VARIABLE_NAMES,
  buildVariables,
  isTemplateVariable,
} from './variables.js';
export type {
  CompanyFields,
  MailboxFields,
  PersonFields,
  PositionFields,
  TemplateValues,
  TemplateVariable,
  VariableSources,
} from './variables.js';
export { TemplateError, analyse, render, textToHtml } from './template-engine.js';
export type {
  RenderResult,
  TemplateAnalysis,
  TemplateKind,
  TemplateSyntaxError,
} from './template-engine.js';
