// Start GOV.UK Frontend's components. Loaded as a module so no inline script is needed under the CSP.
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
