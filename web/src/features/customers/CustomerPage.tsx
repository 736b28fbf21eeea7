// Scaffolding: replaced by the screen itself in this session.
export default function CustomerPage() {
  return null;
}
