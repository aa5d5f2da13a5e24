package actions

import (
	"context"
	"slices"

	"github.com/baogong/baogong/orders"
)

// Roles and menus (issue 19): leads, volunteers and staff see a menu of
// their own, which WeChat chooses by user tag. Every action that changes
// someone's role (AddLead, RemoveLead, AddVolunteer, RemoveVolunteer,
// DecideApplication) retags them.

// RoleTagger keeps people's WeChat tags in step with their roles
// (wechat.RoleTags): SetRoles gives openid exactly the tags of roles, in
// the background.
type RoleTagger interface {
	SetRoles(ctx context.Context, openid string, roles []string)
}

// rolesChanged retags openid after a change of their roles.
func (s *Service) rolesChanged(ctx context.Context, openid string) {
	if s.Tags == nil {
		return
	}
	roles, err := s.RolesOf(ctx, openid)
	if err != nil {
		s.Log.ErrorContext(ctx, "roles for tags", "err", err)
		return
	}
	s.Tags.SetRoles(ctx, openid, roles)
}

// RolesOf returns openid's roles in the community (orders.RoleLead,
// RoleVolunteer, RoleStaff), from the config and the run-time grants.
func (s *Service) RolesOf(ctx context.Context, openid string) ([]string, error) {
	var roles []string
	added, err := s.People.Leads(ctx)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(s.Community.AllLeads(added), func(l orders.Lead) bool { return l.OpenID == openid }) {
		roles = append(roles, orders.RoleLead)
	}
	for _, g := range s.Community.Grids {
		vols, err := s.People.Volunteers(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(g.Team(vols), openid) {
			roles = append(roles, orders.RoleVolunteer)
			break
		}
	}
	if slices.Contains(s.Community.Admins, openid) {
		roles = append(roles, orders.RoleStaff)
	}
	return roles, nil
}

// RoleMembers returns who holds each role in the community, for a
// reconciliation of every tag (wechat.RoleTags.Sync).
func (s *Service) RoleMembers(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	added, err := s.People.Leads(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range s.Community.AllLeads(added) {
		out[orders.RoleLead] = append(out[orders.RoleLead], l.OpenID)
	}
	for _, g := range s.Community.Grids {
		vols, err := s.People.Volunteers(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		out[orders.RoleVolunteer] = append(out[orders.RoleVolunteer], g.Team(vols)...)
	}
	out[orders.RoleStaff] = append(out[orders.RoleStaff], s.Community.Admins...)
	for r := range out {
		slices.Sort(out[r])
		out[r] = slices.Compact(out[r])
	}
	return out, nil
}
