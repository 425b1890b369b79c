package storage

import (
	"context"
	"database/sql"
	"strings"

	"consortia/internal/model"
)

// PledgingCommunities counts, per initiative, the communities co-funding it:
// distinct communities with a live pledge (model.LivePledgeStates) on any of
// its funding goals. Pages and the API use this one definition.
func (q queries) PledgingCommunities(ctx context.Context, initiativeIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(initiativeIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(initiativeIDs)
	live := "'" + strings.Join(model.LivePledgeStates, "', '") + "'" // constants, not input
	if err := q.eachRow(ctx, `SELECT g.initiative_id, COUNT(DISTINCT p.community_id) FROM pledges p
		JOIN funding_goals g ON g.id = p.goal_id
		WHERE g.initiative_id IN (`+ph+`) AND p.state IN (`+live+`) GROUP BY g.initiative_id`, args, func(rows *sql.Rows) error {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}
