/**
 * A value the customer form sent belongs to another customer (409 conflict): says so, linking to that
 * customer by name (its id until the name is read).
 */
import { Alert, Anchor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { displayName } from './customer-format';
import { useContact } from './customer-queries';

export function OwnerAlert({ ownerId }: { ownerId: string }) {
  const { t } = useTranslation();
  const owner = useContact(ownerId);
  return (
    <Alert color="red" mb="sm" role="alert">
      {t('customer.ownerIs')}{' '}
      <Anchor component={Link} to={`/customers/${ownerId}`}>
        {owner.data ? displayName(owner.data) : ownerId}
      </Anchor>
    </Alert>
  );
}
