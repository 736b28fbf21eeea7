// Scaffolding: replaced by the screen itself in this session.
export default function ImportWizardPage() {
  return null;
}
